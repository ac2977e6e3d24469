namespace Portable.Pricing.Model;

/// <summary>The clouds Portable runs on and prices.</summary>
public enum Cloud
{
    /// <summary>Amazon Web Services (us-east-1 prices).</summary>
    Aws,

    /// <summary>Google Cloud (us-central1, Tier 1 prices).</summary>
    Gcp,

    /// <summary>Microsoft Azure (East US prices, East US 2 where only those were found).</summary>
    Azure,
}
