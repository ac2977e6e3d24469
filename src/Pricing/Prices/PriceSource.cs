namespace Portable.Pricing.Prices;

/// <summary>Where a price was read and the date that source states.</summary>
public sealed record PriceSource
{
    /// <summary>The id prices cite in <see cref="PriceEntry.Sources"/>.</summary>
    public required string Id { get; init; }

    /// <summary>The page, file or document read.</summary>
    public required string Where { get; init; }

    /// <summary>The date as the source states it (free text: some state none).</summary>
    public required string Date { get; init; }
}
