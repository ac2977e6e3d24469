using System.Globalization;
using System.Text;
using Portable.Pricing.Model;
using Portable.Pricing.Prices;

namespace Portable.Pricing.Cli;

/// <summary>
/// Renders the cost model's answers as Markdown (readable in a terminal, pasteable into a README): the price list,
/// one workload's bill per cloud and plan, and every pattern at the four daily rates.
/// </summary>
public static class CostReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Every price: key, item, price, unit, region, free tier, as-of date, sources and status.</summary>
    public static string Prices(PriceBook prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        var text = new StringBuilder();
        text.AppendLine(Invariant, $"Prices in {prices.Data.Currency}, compiled {prices.Data.Compiled}; a month is {prices.Data.HoursPerMonth} hours.");
        text.AppendLine("Status: P provider text, T infracost golden (provider price API), S dated third party, [U] unverified.");
        text.AppendLine();
        text.AppendLine("| key | item | price | unit | region | free tier | as of | sources | status |");
        text.AppendLine("|---|---|---:|---|---|---|---|---|---|");
        foreach (var price in prices.Prices)
        {
            var number = price.Price is { } p ? p.ToString(Invariant) : "—";
            text.AppendLine(Invariant,
                $"| `{price.Key}` | {Cell(price.Item)} | {number} | {Cell(price.Unit)} | {Cell(price.Region)} | {Cell(price.FreeTier)} | {price.AsOf} | {price.Sources} | {price.StatusLabel} |");
        }

        text.AppendLine();
        text.AppendLine("| source | where | date stated |");
        text.AppendLine("|---|---|---|");
        foreach (var source in prices.Data.Sources)
        {
            text.AppendLine(Invariant, $"| {source.Id} | {Cell(source.Where)} | {Cell(source.Date)} |");
        }

        return text.ToString();
    }

    /// <summary>One workload's bill: for each estimate a table of its line items, the total and the break-even.</summary>
    public static string Detail(IReadOnlyList<CostEstimate> estimates, PriceBook prices)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        ArgumentNullException.ThrowIfNull(prices);
        var text = new StringBuilder();
        if (estimates.Count == 0)
        {
            return "";
        }

        var workload = estimates[0].Workload;
        var architectures = estimates.Where(e => e.Plan == HostingPlan.Lambda).Select(e => e.Workload.Architecture).Distinct().ToList();
        text.AppendLine(Invariant,
            $"Workload: {Count(workload.MonthlyInvocations)} invocations a month ({Count(workload.MonthlyInvocations / Workload.DaysPerMonth)} a day), {Describe(workload, architectures.Count > 0 ? architectures : null)}.");
        text.AppendLine(PriceDates(prices, estimates.SelectMany(e => e.Lines.Select(l => l.Price.Key).Concat(e.BreakEven.AlwaysOn.PriceKeys))));
        foreach (var estimate in estimates)
        {
            text.AppendLine();
            text.AppendLine(Invariant,
                $"### {estimate.Pattern.Name}: {estimate.Plan.Label(estimate.Workload, estimate.Pattern)} ({estimate.Plan.Region()})");
            text.AppendLine();
            text.AppendLine("| line item | quantity | unit price | cost | note |");
            text.AppendLine("|---|---:|---|---:|---|");
            foreach (var line in estimate.Lines)
            {
                var item = line.FreeSubtracted > 0 ? $"{line.Item} (after {Quantity(line.FreeSubtracted)} free)" : line.Item;
                var unitPrice = $"{line.Price.Price?.ToString(Invariant)} {line.Price.Unit}" + (line.Price.IsUnverified ? " [U]" : "");
                text.AppendLine(Invariant,
                    $"| {Cell(item)} | {Quantity(line.Quantity)} {line.QuantityUnit} | {Cell(unitPrice)} | {Money(line.Cost)} | {Cell(line.Note)} |");
            }

            text.AppendLine(Invariant, $"| **total** | | | **{Money(estimate.Total)}**{(estimate.UsesUnverifiedPrice ? " [U]" : "")} | |");
            text.AppendLine();
            text.AppendLine(BreakEvenSentence(estimate.BreakEven));
        }

        return text.ToString();
    }

    /// <summary>Each pattern's monthly total at the four daily rates, per cloud and plan, with the break-even.</summary>
    public static string Summary(CostModel model, IEnumerable<PatternProfile> patterns, CostOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(patterns);
        ArgumentNullException.ThrowIfNull(options);
        var workload = options.Workload;
        var text = new StringBuilder();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        var body = new StringBuilder();
        foreach (var pattern in patterns)
        {
            body.AppendLine();
            body.AppendLine(Invariant, $"### {pattern.Name}: {pattern.Title}");
            body.AppendLine();
            body.AppendLine("| cloud, plan | 1K/day | 10K/day | 100K/day | 1M/day | break-even (compute + front door) |");
            body.AppendLine("|---|---:|---:|---:|---:|---|");
            foreach (var (plan, variant) in options.Variants(workload))
            {
                var cells = CostModel.DailyRates.Select(rate => model.Estimate(pattern, plan, variant.AtDailyRate(rate))).ToList();
                foreach (var key in cells.SelectMany(c => c.Lines.Select(l => l.Price.Key).Concat(c.BreakEven.AlwaysOn.PriceKeys)))
                {
                    keys.Add(key);
                }

                var totals = string.Join(" | ", cells.Select(c => Money(c.Total) + (c.UsesUnverifiedPrice ? " [U]" : "")));
                body.AppendLine(Invariant, $"| {plan.Label(variant, pattern)} | {totals} | {BreakEvenCell(cells[0].BreakEven)} |");
            }
        }

        text.AppendLine(Invariant,
            $"Monthly cost in USD at 1K, 10K, 100K and 1M invocations a day (a month is 730 h, {Workload.DaysPerMonth.ToString("0.##", Invariant)} days); {Describe(workload, options.Architectures)}.");
        text.AppendLine(PriceDates(model.Prices, keys));
        text.AppendLine("Break-even: the invocations a day at which compute and front door cost what the cloud's always-on host costs");
        text.AppendLine("(the queue, orchestrator, state store and logs are paid either way). [U]: the total uses an unverified price.");
        text.Append(body);
        return text.ToString();
    }

    private static string Describe(Workload workload, IReadOnlyList<Architecture>? architectures = null) =>
        $"{workload.MemoryMb} MB, {workload.DurationMs.ToString("0.###", Invariant)} ms an execution, "
        + $"{string.Join(" and ", (architectures ?? [workload.Architecture]).Select(a => a == Architecture.X86 ? "x86" : "arm64"))}, "
        + $"front door {workload.FrontDoor.ToString().ToLowerInvariant()}, free tier {(workload.FreeTier ? "on" : "off")}, concurrency {workload.Concurrency}";

    private static string PriceDates(PriceBook prices, IEnumerable<string> keys)
    {
        var (earliest, latest) = prices.AsOfRange(keys.Distinct(StringComparer.Ordinal));
        return $"Prices: {prices.Data.Currency} list prices as of {earliest} to {latest} (price data compiled {prices.Data.Compiled}; `portable cost --prices` lists each with its source).";
    }

    private static string BreakEvenSentence(BreakEven breakEven) =>
        breakEven.MonthlyInvocations is { } monthly
            ? $"Break-even against {breakEven.AlwaysOn.Label} ({Money(breakEven.AlwaysOn.MonthlyCost)}/month): "
              + $"{Count(monthly)} invocations a month ({Count(monthly / Workload.DaysPerMonth)} a day), counting compute and front door only."
            : $"Break-even against {breakEven.AlwaysOn.Label} ({Money(breakEven.AlwaysOn.MonthlyCost)}/month): none, {breakEven.Reason}.";

    private static string BreakEvenCell(BreakEven breakEven) =>
        breakEven.DailyInvocations is { } daily
            ? $"{LineBuilderShort(daily)}/day vs {ShortLabel(breakEven.AlwaysOn)} {Money(breakEven.AlwaysOn.MonthlyCost)}"
            : $"none ({breakEven.Reason})";

    private static string ShortLabel(AlwaysOnOption option) => option.Cloud switch
    {
        Cloud.Aws => "EC2 t3.medium",
        Cloud.Gcp => "1 Cloud Run instance",
        _ => "App Service B1",
    };

    private static string LineBuilderShort(decimal value) => LineBuilder.Short(value >= 1000 ? Math.Round(value / 100m) * 100m : Math.Round(value, 1));

    /// <summary>USD to the cent, with thousands separators.</summary>
    internal static string Money(decimal value) => "$" + Math.Round(value, 2, MidpointRounding.AwayFromZero).ToString("#,0.00", Invariant);

    private static string Count(decimal value) => Math.Round(value).ToString("#,0", Invariant);

    private static string Quantity(decimal value) =>
        value >= 100 ? Math.Round(value).ToString("#,0", Invariant) : value.ToString("0.######", Invariant);

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
