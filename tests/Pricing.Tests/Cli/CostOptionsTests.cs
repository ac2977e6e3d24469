using Portable.Pricing.Cli;
using Portable.Pricing.Model;

namespace Portable.Pricing.Tests.Cli;

public class CostOptionsTests
{
    private static readonly string[] Names = ["function", "items", "ledger", "saga"];

    private static CostOptions Parse(params string[] args) => CostOptions.Parse(args, Names);

    [Fact]
    public void Parse_PublishedExample_IsTenMillionAMonthAt256MbAnd200Ms()
    {
        var options = Parse("--requests", "10000000", "--per", "month", "--memory", "256", "--duration", "200ms");
        Assert.Equal(CostMode.Detail, options.Mode);
        Assert.Equal(10_000_000m, options.Workload.MonthlyInvocations);
        Assert.Equal(256, options.Workload.MemoryMb);
        Assert.Equal(200m, options.Workload.DurationMs);
        Assert.False(options.Workload.FreeTier);
        Assert.Null(options.Pattern);
        Assert.Equal([Cloud.Aws, Cloud.Gcp, Cloud.Azure], options.Clouds);
        Assert.Equal([Architecture.X86, Architecture.Arm64], options.Architectures);
        Assert.Equal(7, options.Variants(options.Workload).Count());
    }

    [Theory]
    [InlineData("month", "10M", 10_000_000)]
    [InlineData("day", "1000", 30_416.666666666666666666666667)]
    [InlineData("second", "2", 5_256_000)]
    [InlineData("month", "1.5K", 1_500)]
    [InlineData("month", "2b", 2_000_000_000)]
    public void Parse_RequestsPer_ConvertsToAMonth(string per, string requests, double monthly) =>
        Assert.Equal((decimal)monthly, Math.Round(Parse("--requests", requests, "--per", per).Workload.MonthlyInvocations, 8), 6);

    [Theory]
    [InlineData("200ms", 200)]
    [InlineData("1.5s", 1500)]
    [InlineData("75", 75)]
    public void Parse_Duration_AcceptsMillisecondsAndSeconds(string text, double ms) =>
        Assert.Equal((decimal)ms, Parse("--requests", "1", "--duration", text).Workload.DurationMs);

    [Fact]
    public void Parse_EveryOtherFlag_SetsTheWorkload()
    {
        var options = Parse("--requests=5", "--free-tier", "on", "--arch", "arm64", "--front=rest", "--cloud", "gcp", "--pattern", "items", "--concurrency", "8");
        Assert.True(options.Workload.FreeTier);
        Assert.Equal(Architecture.Arm64, options.Workload.Architecture);
        Assert.Equal([Architecture.Arm64], options.Architectures);
        Assert.Equal(FrontDoor.Rest, options.Workload.FrontDoor);
        Assert.Equal([Cloud.Gcp], options.Clouds);
        Assert.Equal("items", options.Pattern);
        Assert.Equal(8, options.Workload.Concurrency);
        Assert.Equal(5m, options.Workload.MonthlyInvocations);
    }

    [Fact]
    public void Parse_NoRequests_IsTheSummaryAndPricesIsThePriceList()
    {
        Assert.Equal(CostMode.Summary, Parse().Mode);
        Assert.Equal(CostMode.Summary, Parse("--pattern", "all", "--memory", "512").Mode);
        Assert.Equal(CostMode.Prices, Parse("--prices").Mode);
        Assert.Equal(CostMode.Help, Parse("--help").Mode);
    }

    [Theory]
    [InlineData(new[] { "--memory", "0" }, "--memory: '0' is not accepted; give a whole number of MB from 128 to 10240.")]
    [InlineData(new[] { "--memory", "lots" }, "--memory: 'lots' is not accepted; give a whole number of MB from 128 to 10240.")]
    [InlineData(new[] { "--requests", "-5" }, "--requests: '-5' is not accepted; give a whole number of invocations up to 10^12")]
    [InlineData(new[] { "--requests", "1.5" }, "--requests: '1.5' is not accepted")]
    [InlineData(new[] { "--requests", "1", "--per", "week" }, "--per: 'week' is not accepted; give month, day or second.")]
    [InlineData(new[] { "--duration", "0ms" }, "--duration: '0ms' is not accepted; give a time above 0 and at most 1 hour")]
    [InlineData(new[] { "--duration", "2h" }, "--duration: '2h' is not accepted")]
    [InlineData(new[] { "--cloud", "oracle" }, "--cloud: 'oracle' is not accepted; give aws, gcp, azure or all.")]
    [InlineData(new[] { "--free-tier", "yes" }, "--free-tier: 'yes' is not accepted; give on or off.")]
    [InlineData(new[] { "--arch", "riscv" }, "--arch: 'riscv' is not accepted; give x86 or arm64.")]
    [InlineData(new[] { "--front", "alb" }, "--front: 'alb' is not accepted; give http, rest or none.")]
    [InlineData(new[] { "--concurrency", "0" }, "--concurrency: '0' is not accepted; give a whole number from 1 to 1000.")]
    [InlineData(new[] { "--pattern", "crud" }, "--pattern: 'crud' is not a pattern. Accepted: function, items, ledger, saga, all.")]
    [InlineData(new[] { "--memroy", "256" }, "Unknown flag '--memroy'. Accepted: --requests, --per, --memory,")]
    [InlineData(new[] { "--memory" }, "--memory needs a value: give a whole number of MB from 128 to 10240.")]
    [InlineData(new[] { "--memory", "--requests", "1" }, "--memory needs a value")]
    [InlineData(new[] { "--memory", "256", "--memory", "512" }, "--memory is given twice ('256' and '512'); give it once.")]
    [InlineData(new[] { "--per", "day" }, "--per 'day' needs --requests")]
    [InlineData(new[] { "--prices", "--memory", "256" }, "--prices prints the price data and takes no other flag, but --memory was given.")]
    [InlineData(new[] { "--prices=all" }, "--prices takes no value, but was given 'all'.")]
    public void Parse_BadFlag_NamesTheFlagTheValueAndWhatIsAccepted(string[] args, string message)
    {
        var error = Assert.Throws<CostUsageException>(() => Parse(args));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }
}
