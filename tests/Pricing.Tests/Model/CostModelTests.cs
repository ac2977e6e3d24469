using Portable.Pricing.Model;
using static Portable.Pricing.Tests.Model.Estimates;

namespace Portable.Pricing.Tests.Model;

public class CostModelTests
{
    [Fact]
    public void Estimate_EveryPatternPlanAndDailyRate_HasComputeAndAPositiveTotal()
    {
        var plans = Enum.GetValues<Cloud>().SelectMany(HostingPlans.For).ToList();
        Assert.Equal(Enum.GetValues<HostingPlan>().Length, plans.Count);
        foreach (var pattern in Patterns.RepositoryPatterns)
        {
            foreach (var plan in plans)
            {
                var totals = CostModel.DailyRates.Select(rate => Costs.Estimate(pattern, plan, Monthly(0).AtDailyRate(rate))).ToList();
                Assert.All(totals, estimate =>
                {
                    Assert.Contains(estimate.Lines, line => line.Category == CostCategory.Compute);
                    Assert.True(estimate.Total > 0, $"{pattern.Name} on {plan}");
                });
                // More invocations never cost less.
                Assert.True(totals.Zip(totals.Skip(1)).All(pair => pair.First.Total <= pair.Second.Total), $"{pattern.Name} on {plan}");
            }
        }
    }

    [Theory]
    [InlineData("items", CostCategory.StateStore)]
    [InlineData("ledger", CostCategory.Messaging)]
    [InlineData("saga", CostCategory.Orchestrator)]
    [InlineData("choreography", CostCategory.Messaging)]
    [InlineData("fanout", CostCategory.Messaging)]
    [InlineData("events", CostCategory.Messaging)]
    [InlineData("streams", CostCategory.Messaging)]
    [InlineData("schedule", CostCategory.Logs)]
    public void Lines_EachPattern_BillsWhatItUsesOnEveryCloud(string pattern, CostCategory category)
    {
        foreach (var plan in Enum.GetValues<HostingPlan>())
        {
            Assert.Contains(Lines(pattern, plan, Monthly(1_000_000)), line => line.Category == category && line.Cost > 0);
        }
    }

    [Fact]
    public void AtDailyRate_ADay_IsAThirtiethOfA730HourMonth()
    {
        Assert.Equal(1000m * 730m / 24m, Monthly(0).AtDailyRate(1000).MonthlyInvocations);
        Assert.Equal(2_628_000m, Workload.SecondsPerMonth);
    }

    [Fact]
    public void Patterns_Catalog_HoldsTheRepositoryPatternsAndTheBareFunction()
    {
        Assert.Equal(["function", "items", "ledger", "saga", "choreography", "schedule", "fanout", "events", "streams"], Patterns.Names);
        Assert.DoesNotContain(Patterns.RepositoryPatterns, pattern => pattern.Name == PatternCatalog.BareFunction);
        Assert.All(Patterns.Patterns, pattern => Assert.True(pattern.Executions > 0 && pattern.Basis.Length > 0, pattern.Name));
        Assert.Null(Patterns.Find("nothing"));
    }
}
