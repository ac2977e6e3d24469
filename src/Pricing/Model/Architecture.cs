namespace Portable.Pricing.Model;

/// <summary>The Lambda instruction set, which sets the duration price.</summary>
public enum Architecture
{
    /// <summary>x86_64.</summary>
    X86,

    /// <summary>arm64 (Graviton): duration about 20 % cheaper.</summary>
    Arm64,
}
