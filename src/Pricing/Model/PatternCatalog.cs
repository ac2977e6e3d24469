using System.Text.Json;
using Portable.Pricing.Prices;

namespace Portable.Pricing.Model;

/// <summary>The patterns' per-invocation resource use, read from the committed <c>Data/patterns.json</c>.</summary>
public sealed class PatternCatalog
{
    /// <summary>The name of the bare-function profile used when a workload names no pattern.</summary>
    public const string BareFunction = "function";

    private const string ResourceName = "Portable.Pricing.patterns.json";

    private PatternCatalog(IReadOnlyList<PatternProfile> patterns) => Patterns = patterns;

    /// <summary>Every profile, in print order (the bare function first).</summary>
    public IReadOnlyList<PatternProfile> Patterns { get; }

    /// <summary>The repository's patterns: every profile but the bare function.</summary>
    public IEnumerable<PatternProfile> RepositoryPatterns => Patterns.Where(pattern => pattern.Name != BareFunction);

    /// <summary>The profile names, for error messages.</summary>
    public IEnumerable<string> Names => Patterns.Select(pattern => pattern.Name);

    /// <summary>Loads the committed profiles embedded in this assembly.</summary>
    public static PatternCatalog LoadDefault()
    {
        using var stream = typeof(PatternCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The assembly carries no resource '{ResourceName}'.");
        var data = JsonSerializer.Deserialize(stream, PricingJsonContext.Default.PatternCatalogData)
            ?? throw new FormatException("The pattern data is empty.");
        return new PatternCatalog(data.Patterns);
    }

    /// <summary>The profile named <paramref name="name"/>, or <see langword="null"/>.</summary>
    public PatternProfile? Find(string name) =>
        Patterns.FirstOrDefault(pattern => string.Equals(pattern.Name, name, StringComparison.OrdinalIgnoreCase));
}
