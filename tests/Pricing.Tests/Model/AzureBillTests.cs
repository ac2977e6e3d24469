using Portable.Pricing.Model;
using static Portable.Pricing.Tests.Model.Estimates;

namespace Portable.Pricing.Tests.Model;

public class AzureBillTests
{
    private static readonly Workload Million = Monthly(1_000_000);

    [Theory]
    [InlineData(256, 1.00)] // 50,000 GB-s x $0.000016 = $0.80 + 1M x $0.20/1M
    [InlineData(200, 1.00)] // observed memory rounds up to 256 MB
    [InlineData(2048, 5.00)] // capped at 1,536 MB: 300,000 GB-s x $0.000016 = $4.80 + $0.20
    public void Lines_Consumption_RoundsMemoryTo128MbBuckets(int memoryMb, double expected) =>
        Assert.Equal((decimal)expected, Total("function", HostingPlan.FunctionsConsumption, Million with { MemoryMb = memoryMb }));

    [Fact]
    public void Lines_ConsumptionWithFreeTier_IsFreeInsideTheGrants() =>
        Assert.Equal(0m, Total("function", HostingPlan.FunctionsConsumption, Million with { FreeTier = true }));

    [Fact]
    public void FlexBilledMs_ActivePeriods_AreAtLeastOneSecondWhenExecutionsAreSparse()
    {
        Assert.Equal(1000m, AzureBill.FlexBilledMs(200, 0)); // alone in its period: topped up to 1 s
        Assert.Equal(1300m, AzureBill.FlexBilledMs(1250, 0)); // longer than 1 s: 100 ms steps
        Assert.InRange(AzureBill.FlexBilledMs(200, 50 * Workload.SecondsPerMonth), 200m, 200.000001m); // 50 a second: periods run together
        Assert.InRange(AzureBill.FlexBilledMs(200, Workload.SecondsPerMonth), 200m + 800m * 0.3678m, 200m + 800m * 0.3679m); // e^-1
    }

    [Theory]
    [InlineData(256, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 2048)]
    [InlineData(4000, 4096)]
    public void FlexInstanceMb_Memory_PicksTheSmallestInstanceThatHoldsIt(int memoryMb, int instanceMb) =>
        Assert.Equal(instanceMb, AzureBill.FlexInstanceMb(memoryMb));

    [Fact]
    public void Lines_FlexOnDemandAtFiftyASecond_BillsInstanceMemoryAndExecutions()
    {
        // 131,400,000 executions x 0.2 s x 0.5 GB (512 MB instance) = 13,140,000 GB-s x $0.000026 = $341.64;
        // 131.4M x $0.40/1M = $52.56.
        var total = Total("function", HostingPlan.FlexOnDemand, Monthly(50 * Workload.SecondsPerMonth));
        Assert.Equal(394.20m, Math.Round(total, 2));
    }

    [Fact]
    public void Lines_FlexAlwaysReady_BillsTheBaselineWithNoFreeGrant()
    {
        // 0.5 GB x 2,628,000 s x $0.000004 = $5.256, with or without the free tier.
        Assert.Equal(5.256m, Total("function", HostingPlan.FlexAlwaysReady, Monthly(0)));
        Assert.Equal(5.256m, Total("function", HostingPlan.FlexAlwaysReady, Monthly(0) with { FreeTier = true }));
        var breakEven = Costs.BreakEven(Pattern("function"), HostingPlan.FlexAlwaysReady, Monthly(0) with { MemoryMb = 4096 });
        Assert.Null(breakEven.MonthlyInvocations); // 4 GB x 2,628,000 x $0.000004 = $42.05 > $12.41
        Assert.Contains("fixed charges", breakEven.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AlwaysOn_Azure_IsAppServiceB1() => Assert.Equal(12.41m, Costs.AlwaysOn(Cloud.Azure).MonthlyCost); // $0.017 x 730 h

    [Fact]
    public void Lines_SagaOnConsumption_BillsReplaysAndTheTaskHub()
    {
        // 1,000 orders: 5,000 executions + 5 replays an order; 9 task-hub messages an order (put, get, delete);
        // 13 history and instance rows an order; 9 state operations an order in Table Storage.
        var lines = Lines("saga", HostingPlan.FunctionsConsumption, Monthly(1000));
        Assert.Equal(10_000m, lines.Line("Functions executions").Quantity);
        Assert.Equal(9_000m, lines.Line("Durable task hub queue puts").Quantity);
        Assert.Equal(0.0036m, lines.Line("Durable task hub queue puts").Cost); // $0.004 per 10,000
        Assert.Equal(18_000m, lines.Line("Durable task hub queue gets").Quantity);
        Assert.Equal(13_000m, lines.Line("Durable task hub table").Quantity);
        Assert.Equal(0.000324m, lines.Line("Table Storage").Cost); // 9,000 x $0.00036 per 10,000
        Assert.Equal(5_000m, Lines("saga", HostingPlan.FlexOnDemand, Monthly(1000)).Line("Flex on-demand executions").Quantity);
    }

    [Fact]
    public void Lines_Ledger_BillsStorageQueueOperationsAndLogAnalytics()
    {
        var lines = Lines("ledger", HostingPlan.FlexOnDemand, Million);
        Assert.Equal(0.40m, lines.Line("Storage queue puts").Cost); // 1M x $0.004 per 10,000
        Assert.Equal(0.80m, lines.Line("Storage queue gets").Cost); // 2M
        Assert.Equal(1_000_000m * 1024 / (1024m * 1024 * 1024) * 2.3m, lines.Line("Log Analytics").Cost);
    }
}
