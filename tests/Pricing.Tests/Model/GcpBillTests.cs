using Portable.Pricing.Model;
using static Portable.Pricing.Tests.Model.Estimates;

namespace Portable.Pricing.Tests.Model;

public class GcpBillTests
{
    private static readonly Workload Million = Monthly(1_000_000);

    [Fact]
    public void Lines_RequestBased_MatchesHandFigures()
    {
        // 1M x 0.2 s = 200,000 vCPU-s x $0.000024 = $4.80; x 0.25 GiB = 50,000 GiB-s x $0.0000025 = $0.125;
        // 1M requests x $0.40/1M = $0.40.
        var lines = Lines("function", HostingPlan.CloudRunRequest, Million);
        Assert.Equal(4.80m, lines.Line("Cloud Run CPU").Cost);
        Assert.Equal(0.125m, lines.Line("Cloud Run memory").Cost);
        Assert.Equal(0.40m, lines.Line("Cloud Run requests").Cost);
        Assert.Equal(5.325m, lines.Sum(line => line.Cost));
        Assert.Equal(0m, lines.Sum(CostCategory.FrontDoor));
    }

    [Fact]
    public void Lines_RequestBasedWithFreeTier_SubtractsEachGrantDownToZero()
    {
        // (200,000 - 180,000) vCPU-s x $0.000024 = $0.48; 50,000 GiB-s and 1M requests are inside their grants.
        var lines = Lines("function", HostingPlan.CloudRunRequest, Million with { FreeTier = true });
        Assert.Equal(0.48m, lines.Line("Cloud Run CPU").Cost);
        Assert.Equal(0m, lines.Line("Cloud Run memory").Cost);
        Assert.Equal(0m, lines.Line("Cloud Run memory").Quantity);
        Assert.Equal(0m, lines.Line("Cloud Run requests").Cost);
    }

    [Theory]
    [InlineData(150, 1, 5.325)] // rounded up to 200 ms
    [InlineData(201, 1, 7.7875)] // rounded up to 300 ms: 300,000 x 0.000024 + 75,000 x 0.0000025 + 0.40
    [InlineData(200, 4, 1.63125)] // four requests share an instance: 50,000 vCPU-s
    public void Lines_RoundingAndConcurrency_ChangeTheBilledInstanceTime(int durationMs, int concurrency, double expected) =>
        Assert.Equal((decimal)expected, Total("function", HostingPlan.CloudRunRequest, Million with { DurationMs = durationMs, Concurrency = concurrency }));

    [Fact]
    public void Lines_InstanceBased_BillsOneInstanceAllMonth()
    {
        // 2,628,000 vCPU-s x $0.000018 = $47.304; 657,000 GiB-s x $0.000002 = $1.314; no request fee.
        Assert.Equal(48.618m, Total("function", HostingPlan.CloudRunInstance, Million));
        // Free: (2,628,000 - 240,000) x $0.000018 = $42.984; (657,000 - 450,000) x $0.000002 = $0.414.
        Assert.Equal(43.398m, Total("function", HostingPlan.CloudRunInstance, Million with { FreeTier = true }));
        // Busy time past one instance-month bills the extra instances: 20M x 0.2 s = 4,000,000 vCPU-s.
        Assert.Equal(4_000_000m, Lines("function", HostingPlan.CloudRunInstance, Monthly(20_000_000)).Line("Cloud Run CPU").Quantity);
    }

    [Fact]
    public void AlwaysOn_Gcp_IsOneInstanceBasedInstanceAMonth()
    {
        // 2,628,000 s x ($0.000018 + 0.5 GiB x $0.000002) = $49.932, prices.md's derived $49.93.
        Assert.Equal(49.932m, Costs.AlwaysOn(Cloud.Gcp).MonthlyCost);
        var breakEven = Costs.BreakEven(Pattern("items"), HostingPlan.CloudRunInstance, Million);
        Assert.Null(breakEven.MonthlyInvocations);
        Assert.Contains("always-on", breakEven.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void BreakEven_RequestBased_IsWhereComputeReachesTheInstance()
    {
        // $5.325 a million invocations: $49.932 / $0.000005325 = 9,376,901 a month.
        var breakEven = Costs.BreakEven(Pattern("function"), HostingPlan.CloudRunRequest, Million);
        Assert.InRange(breakEven.MonthlyInvocations!.Value, 9_376_901m * 0.9999m, 9_376_901m * 1.0001m);
    }

    [Fact]
    public void Lines_Items_BillsCloudSqlAsAFixedInstanceAndLogging()
    {
        var lines = Lines("items", HostingPlan.CloudRunRequest, Million);
        Assert.Equal(7.67m, lines.Line("Cloud SQL db-f1-micro").Cost);
        Assert.Equal(1.70m, lines.Line("Cloud SQL SSD").Cost); // 10 GB x $0.17
        Assert.Equal(9.37m, lines.Sum(CostCategory.StateStore));
        Assert.Equal(9.37m, Lines("items", HostingPlan.CloudRunRequest, Monthly(0)).Sum(CostCategory.StateStore));
        Assert.Equal(1_000_000m * 1024 / (1024m * 1024 * 1024) * 0.5m, lines.Line("Cloud Logging").Cost);
        Assert.Equal(0m, Lines("items", HostingPlan.CloudRunRequest, Million with { FreeTier = true }).Line("Cloud Logging").Cost); // 50 GiB free
    }

    [Fact]
    public void Lines_Saga_BillsWorkflowsStepsInThousands()
    {
        // 1,000 orders x 30 steps = 30,000 x $0.01/1,000 = $0.30; free 5,000 leave 25,000; 1,001 orders: 30,030 -> 31,000.
        Assert.Equal(0.30m, Lines("saga", HostingPlan.CloudRunRequest, Monthly(1000)).Line("Workflows").Cost);
        Assert.Equal(0.25m, Lines("saga", HostingPlan.CloudRunRequest, Monthly(1000) with { FreeTier = true }).Line("Workflows").Cost);
        Assert.Equal(31_000m, Lines("saga", HostingPlan.CloudRunRequest, Monthly(1001)).Line("Workflows").Quantity);
    }

    [Fact]
    public void Lines_Ledger_BillsPubSubOnPublishAndDelivery()
    {
        // 1M messages x 2 (publish, delivery) x 1,024 bytes = 2,048,000,000 bytes = 2,048,000,000 / 2^40 TiB, x $40 a TiB.
        var line = Lines("ledger", HostingPlan.CloudRunRequest, Million).Line("Pub/Sub");
        Assert.Equal(2_048_000_000m / 1_099_511_627_776m, line.Quantity);
        Assert.Equal(0.07450580596923828125m, line.Cost);
        // Less than 1 KiB is billed as 1 KiB; inside the free 10 GiB nothing is billed.
        Assert.Equal(line.Cost, Lines("ledger", HostingPlan.CloudRunRequest, Million with { MessageBytes = 10 }).Line("Pub/Sub").Cost);
        Assert.Equal(0m, Lines("ledger", HostingPlan.CloudRunRequest, Million with { FreeTier = true }).Line("Pub/Sub").Cost);
    }

    [Fact]
    public void Lines_Schedule_BillsTheSchedulerJobWhateverTheRate()
    {
        Assert.Equal(0.10m, Lines("schedule", HostingPlan.CloudRunRequest, Monthly(43_800)).Line("Cloud Scheduler").Cost);
        Assert.Equal(0.10m, Lines("schedule", HostingPlan.CloudRunRequest, Million).Line("Cloud Scheduler").Cost);
        Assert.Equal(0m, Lines("schedule", HostingPlan.CloudRunRequest, Million with { FreeTier = true }).Line("Cloud Scheduler").Cost); // 3 free
    }
}
