namespace Portable.Pricing.Prices;

/// <summary>The committed price file as a whole: when it was compiled, its sources and its prices.</summary>
public sealed record PriceData
{
    /// <summary>The date the file was compiled (ISO 8601).</summary>
    public required string Compiled { get; init; }

    /// <summary>The currency of every price (USD).</summary>
    public required string Currency { get; init; }

    /// <summary>Hours in a billing month: 730, the AWS Pricing Calculator convention behind $30.37 for a t3.medium.</summary>
    public int HoursPerMonth { get; init; }

    /// <summary>The sources the prices cite.</summary>
    public required IReadOnlyList<PriceSource> Sources { get; init; }

    /// <summary>The prices.</summary>
    public required IReadOnlyList<PriceEntry> Prices { get; init; }
}
