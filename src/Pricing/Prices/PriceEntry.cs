namespace Portable.Pricing.Prices;

/// <summary>
/// One list price as committed in <c>Data/prices.json</c>: what it buys, for how much, where, since when and on whose
/// word. Seeded from <c>../shared/pricing/prices.md</c>; <see cref="Status"/> keeps that file's verdict on the number.
/// </summary>
public sealed record PriceEntry
{
    /// <summary>The stable key the cost model looks the price up by, for example <c>aws.lambda.requests</c>.</summary>
    public required string Key { get; init; }

    /// <summary>The cloud the price belongs to: <c>aws</c>, <c>gcp</c> or <c>azure</c>.</summary>
    public required string Cloud { get; init; }

    /// <summary>What the price buys, in the provider's words.</summary>
    public required string Item { get; init; }

    /// <summary>The price in USD for <see cref="Per"/> units, or <see langword="null"/> for a policy row that has no number.</summary>
    public decimal? Price { get; init; }

    /// <summary>How many units <see cref="Price"/> is for (1,000,000 for a price per million requests).</summary>
    public decimal Per { get; init; } = 1;

    /// <summary>The unit as the provider states it, for example <c>USD per 1M requests</c>.</summary>
    public required string Unit { get; init; }

    /// <summary>The region the price was read for.</summary>
    public required string Region { get; init; }

    /// <summary>The free tier as the provider states it, or <c>-</c>.</summary>
    public required string FreeTier { get; init; }

    /// <summary>The free monthly quantity in this price's unit, when the model applies one.</summary>
    public decimal? FreeQuantity { get; init; }

    /// <summary>For a volume tier, the monthly quantity where this tier ends (counted from zero); <see langword="null"/> for the last tier.</summary>
    public decimal? UpTo { get; init; }

    /// <summary>The ids of the sources the number was read at (see <see cref="PriceSource"/>).</summary>
    public required string Sources { get; init; }

    /// <summary>The latest date the sources state for the number (ISO 8601), or the compilation date when none does.</summary>
    public required string AsOf { get; init; }

    /// <summary><c>P</c> provider text, <c>T</c> infracost golden, <c>S</c> dated third party, <c>U</c> unverified.</summary>
    public required string Status { get; init; }

    /// <summary>What else matters about the number, including what was checked and where.</summary>
    public string Notes { get; init; } = "";

    /// <summary>Whether no source confirmed the number (status <c>U</c>).</summary>
    public bool IsUnverified => Status == "U";

    /// <summary>The status as printed: <c>[U]</c> for an unverified price, the letter otherwise.</summary>
    public string StatusLabel => IsUnverified ? "[U]" : Status;

    /// <summary>The price of one unit (<see cref="Price"/> / <see cref="Per"/>).</summary>
    /// <exception cref="InvalidOperationException">The row is a policy row with no price.</exception>
    public decimal UnitPrice => (Price ?? throw new InvalidOperationException($"The price '{Key}' has no number: it is a policy row.")) / Per;
}
