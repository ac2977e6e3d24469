using Portable.Pricing.Model;
using static Portable.Pricing.Tests.Model.Estimates;

namespace Portable.Pricing.Tests.Model;

public class AwsBillTests
{
    private static readonly Workload PublishedExample = Monthly(10_000_000) with { MemoryMb = 256, DurationMs = 200, FrontDoor = FrontDoor.None };

    [Fact]
    public void Lines_PublishedExample_Is10Dollars33()
    {
        // requests 10M x $0.20/1M = $2.00; compute 10M x 0.2 s x 0.25 GB = 500,000 GB-s x $0.0000166667 = $8.33335.
        var lines = Lines("function", HostingPlan.Lambda, PublishedExample);
        Assert.Equal(2.00m, lines.Line("Lambda requests").Cost);
        Assert.Equal(500_000m, lines.Line("Lambda duration x86").Quantity);
        Assert.Equal(8.33335m, lines.Line("Lambda duration x86").Cost);
        Assert.Equal(10.33335m, lines.Sum(line => line.Cost));
        Assert.Equal(10.33m, Math.Round(lines.Sum(line => line.Cost), 2));
        Assert.Equal(2, lines.Count);
    }

    [Fact]
    public void AlwaysOn_Aws_IsTheT3Medium30Dollars37()
    {
        // $0.0416 an hour x 730 h = $30.368.
        var alwaysOn = Costs.AlwaysOn(Cloud.Aws);
        Assert.Equal(30.368m, alwaysOn.MonthlyCost);
        Assert.Equal(30.37m, Math.Round(alwaysOn.MonthlyCost, 2));
        Assert.True(Total("function", HostingPlan.Lambda, PublishedExample) < alwaysOn.MonthlyCost);
    }

    [Fact]
    public void Lines_PublishedExampleWithFreeTierAndHttpApi_Is13Dollars47()
    {
        // Free tier: (10M - 1M) x $0.20/1M = $1.80; (500,000 - 400,000) GB-s x $0.0000166667 = $1.66667.
        // HTTP API: 10M x $1.00/1M = $10.00 (its free tier is a 12-month offer: not applied). $13.46667 in all.
        var lines = Lines("function", HostingPlan.Lambda, PublishedExample with { FreeTier = true, FrontDoor = FrontDoor.Http });
        Assert.Equal(1.80m, lines.Line("Lambda requests").Cost);
        Assert.Equal(1.66667m, lines.Line("Lambda duration x86").Cost);
        Assert.Equal(10.00m, lines.Line("API Gateway HTTP API").Cost);
        Assert.Equal(13.46667m, lines.Sum(line => line.Cost));
        Assert.Equal(13.47m, Math.Round(lines.Sum(line => line.Cost), 2));
    }

    [Fact]
    public void BreakEven_PublishedExample_Is29Point4MillionAMonth()
    {
        // $1.033335 a million invocations: $30.368 / $0.000001033335 = 29,388,340 a month.
        var breakEven = Costs.BreakEven(Pattern("function"), HostingPlan.Lambda, PublishedExample);
        Assert.InRange(breakEven.MonthlyInvocations!.Value, 29_388_340m * 0.9999m, 29_388_340m * 1.0001m);
        Assert.InRange(breakEven.DailyInvocations!.Value, 966_000m, 966_300m);
    }

    [Fact]
    public void BreakEven_FreeTierAndHttpApi_Is18Point3MillionAMonth()
    {
        // $2.033335 a million, less the free tier's $6.86668: (30.368 + 6.86668) / 0.000002033335 = 18,312,123 a month.
        var breakEven = Costs.BreakEven(Pattern("function"), HostingPlan.Lambda, PublishedExample with { FreeTier = true, FrontDoor = FrontDoor.Http });
        Assert.InRange(breakEven.MonthlyInvocations!.Value, 18_312_123m * 0.9999m, 18_312_123m * 1.0001m);
    }

    [Theory]
    [InlineData(Architecture.X86, 100_000_000, 103.3335)] // $20.00 + 5,000,000 GB-s x $0.0000166667
    [InlineData(Architecture.Arm64, 10_000_000, 8.6667)] // $2.00 + 500,000 GB-s x $0.0000133334
    public void Lines_OtherArchitectureAndRate_MatchHandFigures(Architecture architecture, long invocations, double expected)
    {
        var workload = PublishedExample with { MonthlyInvocations = invocations, Architecture = architecture };
        Assert.Equal((decimal)expected, Total("function", HostingPlan.Lambda, workload));
    }

    [Fact]
    public void Lines_DurationCrossingTwoTiers_BillsEachTierItsShare()
    {
        // 16B GB-s (1 GB, 1 s): 6B x $0.0000166667 + 9B x $0.000015 + 1B x $0.0000133334.
        var workload = Monthly(16_000_000_000) with { MemoryMb = 1024, DurationMs = 1000, FrontDoor = FrontDoor.None };
        var duration = Lines("function", HostingPlan.Lambda, workload).Where(line => line.Item.StartsWith("Lambda duration", StringComparison.Ordinal)).ToList();
        Assert.Equal([6_000_000_000m, 9_000_000_000m, 1_000_000_000m], duration.Select(line => line.Quantity));
        Assert.Equal([100_000.2m, 135_000m, 13_333.4m], duration.Select(line => line.Cost));

        // The free 400,000 GB-s come off the first tier only: 100,000.2 - 400,000 x 0.0000166667.
        var free = Lines("function", HostingPlan.Lambda, workload with { FreeTier = true }).Line("Lambda duration x86, first");
        Assert.Equal(99_993.53332m, free.Cost);
        Assert.Equal(400_000m, free.FreeSubtracted);
    }

    [Fact]
    public void Lines_Arm64DurationCrossingTiers_UsesArmBounds()
    {
        // 20B GB-s: 7.5B x $0.0000133334 + 11.25B x $0.0000120001 + 1.25B x $0.0000106667.
        var workload = Monthly(20_000_000_000) with { MemoryMb = 1024, DurationMs = 1000, FrontDoor = FrontDoor.None, Architecture = Architecture.Arm64 };
        var duration = Lines("function", HostingPlan.Lambda, workload).Where(line => line.Item.StartsWith("Lambda duration arm64", StringComparison.Ordinal));
        Assert.Equal([100_000.5m, 135_001.125m, 13_333.375m], duration.Select(line => line.Cost));
    }

    [Theory]
    [InlineData(FrontDoor.Rest, 2_000_000_000, 5413.1)] // 333M x $3.50 + 667M x $2.80 + 1B x $2.38
    [InlineData(FrontDoor.Rest, 21_000_000_000, 49_763.1)] // 1,165.5 + 1,867.6 + 19B x $2.38 (45,220) + 1B x $1.51 (1,510)
    [InlineData(FrontDoor.Http, 500_000_000, 480)] // 300M x $1.00 + 200M x $0.90
    [InlineData(FrontDoor.Http, 300_000_000, 300)] // exactly the first tier
    [InlineData(FrontDoor.None, 500_000_000, 0)] // a Function URL has no charge
    public void Lines_ApiGatewayTiers_CrossAtTheirBounds(FrontDoor front, long requests, double expected)
    {
        var lines = Lines("function", HostingPlan.Lambda, Monthly(requests) with { FrontDoor = front });
        Assert.Equal((decimal)expected, lines.Sum(CostCategory.FrontDoor));
    }

    [Fact]
    public void Lines_FreeTierLargerThanUse_NeverBillsBelowZero()
    {
        foreach (var pattern in Patterns.Patterns)
        {
            var lines = Costs.Lines(pattern, HostingPlan.Lambda, Monthly(10) with { FreeTier = true });
            Assert.All(lines, line =>
            {
                Assert.True(line.Quantity >= 0, $"{pattern.Name}: {line.Item} quantity {line.Quantity}");
                Assert.True(line.Cost >= 0, $"{pattern.Name}: {line.Item} cost {line.Cost}");
            });
            var requests = lines.Line("Lambda requests");
            Assert.Equal(0m, requests.Cost);
            Assert.Equal(10m * pattern.Executions, requests.FreeSubtracted);
        }
    }

    [Fact]
    public void Lines_Ledger_BillsThreeSqsRequestsPer64KbOfMessage()
    {
        var workload = Monthly(1_000_000);
        Assert.Equal(1.20m, Lines("ledger", HostingPlan.Lambda, workload).Line("SQS").Cost); // 3M x $0.40/1M
        Assert.Equal(2.40m, Lines("ledger", HostingPlan.Lambda, workload with { MessageBytes = 100 * 1024 }).Line("SQS").Cost); // 2 chunks
        Assert.Equal(0.80m, Lines("ledger", HostingPlan.Lambda, workload with { FreeTier = true }).Line("SQS").Cost); // (3M - 1M) x $0.40/1M
    }

    [Fact]
    public void Lines_Items_BillsDynamoDbAndCloudWatch()
    {
        var lines = Lines("items", HostingPlan.Lambda, Monthly(1_000_000));
        Assert.Equal(0.125m, lines.Line("DynamoDB on-demand reads").Cost); // 1M RRU x $0.125/1M
        Assert.Equal(0.625m, lines.Line("DynamoDB on-demand writes").Cost); // 1M WRU x $0.625/1M
        Assert.Equal(1_000_000m * 1024 / (1024m * 1024 * 1024) * 0.5m, lines.Line("CloudWatch").Cost); // 0.95 GB x $0.50
        Assert.Equal(1.00m, lines.Line("API Gateway HTTP API").Cost);
    }

    [Fact]
    public void Lines_Saga_BillsStepFunctionsTransitions()
    {
        // 1,000 orders x 5 transitions = 5,000; $0.025 per 1,000; the free 4,000 leave 1,000.
        Assert.Equal(0.125m, Lines("saga", HostingPlan.Lambda, Monthly(1000)).Line("Step Functions").Cost);
        Assert.Equal(0.025m, Lines("saga", HostingPlan.Lambda, Monthly(1000) with { FreeTier = true }).Line("Step Functions").Cost);
    }

    [Fact]
    public void Lines_Streams_BillsAShardAllMonthAndPutUnitsMarkedUnverified()
    {
        var lines = Lines("streams", HostingPlan.Lambda, Monthly(1_000_000));
        var shards = lines.Line("Kinesis shard hours");
        Assert.Equal(730m, shards.Quantity);
        Assert.Equal(10.95m, shards.Cost); // 730 h x $0.015 [U]
        Assert.True(shards.Price.IsUnverified);
        Assert.Equal(0.14m, lines.Line("Kinesis PUT").Cost); // 10M records x $0.014/1M [U]
    }
}
