using Portable.Pricing.Model;
using Portable.Pricing.Prices;

namespace Portable.Pricing.Tests.Model;

/// <summary>The committed prices and patterns, and short ways to price them in a test.</summary>
internal static class Estimates
{
    public static readonly PriceBook Prices = PriceBook.LoadDefault();
    public static readonly PatternCatalog Patterns = PatternCatalog.LoadDefault();
    public static readonly CostModel Costs = new(Prices);

    public static PatternProfile Pattern(string name) => Patterns.Find(name) ?? throw new ArgumentException(name);

    public static Workload Monthly(decimal invocations) => new() { MonthlyInvocations = invocations };

    public static IReadOnlyList<CostLine> Lines(string pattern, HostingPlan plan, Workload workload) =>
        Costs.Lines(Pattern(pattern), plan, workload);

    public static decimal Total(string pattern, HostingPlan plan, Workload workload) => Lines(pattern, plan, workload).Sum(line => line.Cost);

    public static decimal Sum(this IEnumerable<CostLine> lines, CostCategory category) =>
        lines.Where(line => line.Category == category).Sum(line => line.Cost);

    public static CostLine Line(this IEnumerable<CostLine> lines, string startsWith) =>
        lines.Single(line => line.Item.StartsWith(startsWith, StringComparison.Ordinal));
}
