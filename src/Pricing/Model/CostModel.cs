using Portable.Pricing.Prices;

namespace Portable.Pricing.Model;

/// <summary>
/// Prices a pattern on a cloud's plan for a workload: every line item the pattern uses, the total, and the break-even
/// against the cloud's always-on option. Pure arithmetic over the price data: no clock, no I/O.
/// </summary>
public sealed class CostModel
{
    /// <summary>The daily rates the summary prints: 1K, 10K, 100K and 1M invocations a day.</summary>
    public static IReadOnlyList<decimal> DailyRates { get; } = [1_000m, 10_000m, 100_000m, 1_000_000m];

    private const decimal SearchCeiling = 1_000_000_000_000m;

    /// <summary>A model over <paramref name="prices"/>.</summary>
    public CostModel(PriceBook prices)
    {
        ArgumentNullException.ThrowIfNull(prices);
        Prices = prices;
    }

    /// <summary>The prices the model reads.</summary>
    public PriceBook Prices { get; }

    /// <summary>The pattern's bill on <paramref name="plan"/> for <paramref name="workload"/>, with its break-even.</summary>
    public CostEstimate Estimate(PatternProfile pattern, HostingPlan plan, Workload workload) => new()
    {
        Pattern = pattern,
        Plan = plan,
        Workload = workload,
        Lines = Lines(pattern, plan, workload),
        BreakEven = BreakEven(pattern, plan, workload),
    };

    /// <summary>Every line item the pattern uses on <paramref name="plan"/> for <paramref name="workload"/>.</summary>
    public IReadOnlyList<CostLine> Lines(PatternProfile pattern, HostingPlan plan, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(workload);
        var bill = new LineBuilder(Prices, workload.FreeTier);
        switch (plan.Cloud())
        {
            case Cloud.Aws:
                AwsBill.Add(bill, pattern, workload);
                break;
            case Cloud.Gcp:
                GcpBill.Add(bill, pattern, workload, plan);
                break;
            default:
                AzureBill.Add(bill, pattern, workload, plan);
                break;
        }

        return bill.Lines;
    }

    /// <summary>
    /// The always-on option of <paramref name="cloud"/>: an EC2 t3.medium on AWS; on Google, one Cloud Run instance
    /// (1 vCPU, 512 MiB) billed instance-based all month; on Azure an App Service B1 Linux plan. The price data has no
    /// Compute Engine or Azure VM price, so those two are the always-on hosts it does price.
    /// </summary>
    public AlwaysOnOption AlwaysOn(Cloud cloud)
    {
        switch (cloud)
        {
            case Cloud.Aws:
                return new(cloud, "EC2 t3.medium on demand, 730 h", Prices.Get(PriceKeys.Ec2T3Medium).UnitPrice * 730m, [PriceKeys.Ec2T3Medium]);
            case Cloud.Gcp:
                var perSecond = Prices.Get(PriceKeys.CloudRunInstanceCpu).UnitPrice + 0.5m * Prices.Get(PriceKeys.CloudRunInstanceMemory).UnitPrice;
                return new(cloud, "Cloud Run, 1 instance-based instance (1 vCPU, 512 MiB), all month", perSecond * Workload.SecondsPerMonth,
                    [PriceKeys.CloudRunInstanceCpu, PriceKeys.CloudRunInstanceMemory]);
            default:
                return new(cloud, "App Service B1 Linux, 730 h", Prices.Get(PriceKeys.AppServiceB1).UnitPrice * 730m, [PriceKeys.AppServiceB1]);
        }
    }

    /// <summary>
    /// The invocations a month at which the plan's compute and front-door lines cost what the always-on option costs
    /// (found by bisection: those lines only grow with the rate), or why there is no such rate.
    /// </summary>
    public BreakEven BreakEven(PatternProfile pattern, HostingPlan plan, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var alwaysOn = AlwaysOn(plan.Cloud());
        if (plan == HostingPlan.CloudRunInstance)
        {
            return new(alwaysOn, null, "this plan is itself an always-on instance");
        }

        decimal Replaceable(decimal monthly) => Lines(pattern, plan, workload with { MonthlyInvocations = monthly })
            .Where(line => line.Category is CostCategory.Compute or CostCategory.FrontDoor)
            .Sum(line => line.Cost);

        if (Replaceable(0) >= alwaysOn.MonthlyCost)
        {
            return new(alwaysOn, null, "its fixed charges alone reach the always-on option's");
        }

        if (Replaceable(SearchCeiling) < alwaysOn.MonthlyCost)
        {
            return new(alwaysOn, null, "below the always-on option at any rate up to 10^12 a month");
        }

        decimal low = 0, high = SearchCeiling;
        while (high - low > Math.Max(1m, low / 100_000m))
        {
            var middle = (low + high) / 2;
            if (Replaceable(middle) >= alwaysOn.MonthlyCost)
            {
                high = middle;
            }
            else
            {
                low = middle;
            }
        }

        return new(alwaysOn, Math.Ceiling(high), "");
    }
}
