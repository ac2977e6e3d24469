namespace Portable.Deploy;

/// <summary>The instruction set a Lambda function runs on (<c>Architectures</c> of <c>AWS::Lambda::Function</c>).</summary>
public enum LambdaArchitecture
{
    /// <summary><c>x86_64</c>, Lambda's default; the bootstrap published for <c>linux-x64</c>.</summary>
    X64,

    /// <summary><c>arm64</c> (Graviton), about 20% cheaper per GB-second; the bootstrap published for <c>linux-arm64</c>.</summary>
    Arm64,
}
