using Portable.Pricing.Model;
using Portable.Pricing.Prices;

namespace Portable.Pricing.Tests.Prices;

public class PriceBookTests
{
    private static readonly PriceBook Prices = PriceBook.LoadDefault();

    [Fact]
    public void LoadDefault_CommittedData_ParsesEveryRowWithItsDateSourceAndStatus()
    {
        Assert.Equal("2026-12-01", Prices.Data.Compiled);
        Assert.Equal("USD", Prices.Data.Currency);
        Assert.Equal(730, Prices.Data.HoursPerMonth);
        // prices.md's 99 table rows, plus the rows this data adds (Cloud SQL SSD, Kinesis, Event Hubs).
        Assert.Equal(104, Prices.Prices.Count);
        Assert.All(Prices.Prices, price =>
        {
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", price.AsOf);
            Assert.Contains(price.Status, new[] { "P", "T", "S", "U" });
            Assert.Contains(price.Cloud, new[] { "aws", "gcp", "azure" });
        });
    }

    [Fact]
    public void Get_EveryKeyTheModelUses_ExistsWithANumber()
    {
        foreach (var key in PriceKeys.All)
        {
            Assert.True(Prices.Contains(key), $"the price data has no '{key}'");
            Assert.NotNull(Prices.Get(key).Price);
        }
    }

    [Fact]
    public void Lines_EveryPatternPlanAndRate_BillOnlyAtDeclaredKeys()
    {
        var model = new CostModel(Prices);
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pattern in PatternCatalog.LoadDefault().Patterns)
        {
            foreach (var plan in Enum.GetValues<HostingPlan>())
            {
                foreach (var rate in CostModel.DailyRates)
                {
                    foreach (var front in Enum.GetValues<FrontDoor>())
                    {
                        var workload = new Workload { MonthlyInvocations = 0, FrontDoor = front, Architecture = Architecture.Arm64 }.AtDailyRate(rate);
                        used.UnionWith(model.Lines(pattern, plan, workload).Select(line => line.Price.Key));
                        used.UnionWith(model.Lines(pattern, plan, workload with { Architecture = Architecture.X86 }).Select(line => line.Price.Key));
                    }
                }
            }
        }

        used.UnionWith(Enum.GetValues<Cloud>().SelectMany(cloud => model.AlwaysOn(cloud).PriceKeys));
        Assert.Empty(used.Except(PriceKeys.All));
        // The rates above reach every declared price but the upper volume tiers, which the tier tests reach.
        var upperTiers = new[]
        {
            PriceKeys.LambdaX86Tier2, PriceKeys.LambdaX86Tier3, PriceKeys.LambdaArmTier2, PriceKeys.LambdaArmTier3,
            PriceKeys.HttpApiTier2, PriceKeys.RestApiTier2, PriceKeys.RestApiTier3, PriceKeys.RestApiTier4,
            PriceKeys.SqsTier2, PriceKeys.SqsTier3,
        };
        Assert.Empty(PriceKeys.All.Except(used).Except(upperTiers));
    }

    [Fact]
    public void Get_UnverifiedPrice_KeepsItsStatusAndPrintsAsU()
    {
        var fifo = Prices.Get("aws.sqs.fifo.higher_tiers");
        Assert.True(fifo.IsUnverified);
        Assert.Equal("[U]", fifo.StatusLabel);
        Assert.True(Prices.Get(PriceKeys.KinesisShardHour).IsUnverified);
        Assert.Equal("P", Prices.Get(PriceKeys.LambdaRequests).StatusLabel);
        Assert.Equal("T", Prices.Get(PriceKeys.Ec2T3Medium).Status);
    }

    [Fact]
    public void Get_PublishedExamplePrices_AreTheNumbersItUses()
    {
        Assert.Equal(0.0000002m, Prices.Get(PriceKeys.LambdaRequests).UnitPrice);
        Assert.Equal(0.0000166667m, Prices.Get(PriceKeys.LambdaX86Tier1).UnitPrice);
        Assert.Equal(0.0416m, Prices.Get(PriceKeys.Ec2T3Medium).UnitPrice);
        Assert.Equal(0.000001m, Prices.Get(PriceKeys.HttpApiTier1).UnitPrice);
    }

    [Fact]
    public void Get_UnknownKey_ThrowsNamingIt()
    {
        var error = Assert.Throws<KeyNotFoundException>(() => Prices.Get("aws.lambda.nothing"));
        Assert.Contains("aws.lambda.nothing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnitPrice_PolicyRowWithoutNumber_Throws() =>
        Assert.Throws<InvalidOperationException>(() => Prices.Get("aws.lambda.init_billing").UnitPrice);

    [Theory]
    [InlineData("not json", "not valid")]
    [InlineData(Row + "," + Row, "twice")]
    [InlineData(Row, "")]
    public void Parse_Text_ChecksTheData(string rows, string error)
    {
        var json = Wrap(rows);
        if (error.Length == 0)
        {
            Assert.Equal(0.2m, PriceBook.Parse(json).Get("aws.x").Price);
        }
        else
        {
            var thrown = Assert.Throws<FormatException>(() => PriceBook.Parse(rows == "not json" ? rows : json));
            Assert.Contains(error, thrown.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("\"status\": \"P\"", "\"status\": \"X\"", "status 'X'")]
    [InlineData("\"sources\": \"A\"", "\"sources\": \"A, B\"", "source 'B'")]
    [InlineData("\"asOf\": \"2026-01-02\"", "\"asOf\": \"January\"", "as-of 'January'")]
    [InlineData("\"per\": 1000000", "\"per\": 0", "'per' must be positive")]
    [InlineData("\"price\": 0.2", "\"price\": -0.2", "must not be negative")]
    [InlineData("\"unit\": \"USD per 1M\",", "", "unit")]
    public void Parse_BadRow_ThrowsNamingTheProblem(string field, string replacement, string error)
    {
        var thrown = Assert.Throws<FormatException>(() => PriceBook.Parse(Wrap(Row.Replace(field, replacement, StringComparison.Ordinal))));
        Assert.Contains(error, thrown.Message, StringComparison.Ordinal);
    }

    private const string Row = """
        {"key": "aws.x", "cloud": "aws", "item": "x", "price": 0.2, "per": 1000000, "unit": "USD per 1M", "region": "us-east-1",
         "freeTier": "-", "sources": "A", "asOf": "2026-01-02", "status": "P"}
        """;

    private static string Wrap(string rows) =>
        $$"""{"compiled": "2026-12-01", "currency": "USD", "hoursPerMonth": 730, "sources": [{"id": "A", "where": "a page", "date": "2026"}], "prices": [{{rows}}]}""";
}
