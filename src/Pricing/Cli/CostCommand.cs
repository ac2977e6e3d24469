using Portable.Pricing.Model;
using Portable.Pricing.Prices;

namespace Portable.Pricing.Cli;

/// <summary>
/// <c>portable cost</c>: parses the command line, prices the patterns with the committed data, prints Markdown.
/// Exit code 0, or 2 for a command line it cannot run (the message goes to <c>error</c>).
/// </summary>
public static class CostCommand
{
    /// <summary>Runs <c>portable cost</c> with <paramref name="args"/> (the arguments after <c>cost</c>).</summary>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var patterns = PatternCatalog.LoadDefault();
        CostOptions options;
        try
        {
            options = CostOptions.Parse(args, patterns.Names);
        }
        catch (CostUsageException e)
        {
            error.WriteLine(e.Message);
            error.WriteLine("Usage:");
            error.WriteLine(CostOptions.Usage);
            return 2;
        }

        var prices = PriceBook.LoadDefault();
        var model = new CostModel(prices);
        switch (options.Mode)
        {
            case CostMode.Help:
                output.WriteLine(CostOptions.Usage);
                break;
            case CostMode.Prices:
                output.Write(CostReport.Prices(prices));
                break;
            case CostMode.Detail:
                var chosen = Chosen(patterns, options.Pattern, patterns.Patterns.Where(p => p.Name == PatternCatalog.BareFunction));
                var estimates = chosen
                    .SelectMany(pattern => options.Variants(options.Workload).Select(variant => model.Estimate(pattern, variant.Plan, variant.Workload)))
                    .ToList();
                output.Write(CostReport.Detail(estimates, prices));
                break;
            default:
                output.Write(CostReport.Summary(model, Chosen(patterns, options.Pattern, patterns.RepositoryPatterns), options));
                break;
        }

        return 0;
    }

    private static IEnumerable<PatternProfile> Chosen(PatternCatalog patterns, string? name, IEnumerable<PatternProfile> fallback) => name switch
    {
        null => fallback,
        "all" => patterns.Patterns,
        _ => [patterns.Find(name)!],
    };
}
