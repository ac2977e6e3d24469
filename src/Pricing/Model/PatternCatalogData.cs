namespace Portable.Pricing.Model;

/// <summary>The committed <c>Data/patterns.json</c> file as a whole.</summary>
public sealed record PatternCatalogData
{
    /// <summary>The patterns, in the order they are printed.</summary>
    public required IReadOnlyList<PatternProfile> Patterns { get; init; }
}
