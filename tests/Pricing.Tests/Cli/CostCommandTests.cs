using System.Text.RegularExpressions;
using Portable.Pricing.Cli;
using Portable.Pricing.Model;
using Portable.Pricing.Prices;

namespace Portable.Pricing.Tests.Cli;

public class CostCommandTests
{
    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = CostCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void Run_PublishedExample_PrintsEachLineTheTotalAndTheBreakEven()
    {
        var (code, output, error) = Run("--requests", "10000000", "--per", "month", "--memory", "256", "--duration", "200ms", "--cloud", "aws", "--front", "none");
        Assert.Equal(0, code);
        Assert.Empty(error);
        Assert.Contains("| Lambda requests | 10,000,000 requests | 0.2 USD per 1M requests | $2.00 |", output, StringComparison.Ordinal);
        Assert.Contains("| Lambda duration x86, first 6B GB-s | 500,000 GB-s | 0.0000166667 USD per GB-second | $8.33 |", output, StringComparison.Ordinal);
        Assert.Contains("| **total** | | | **$10.33** | |", output, StringComparison.Ordinal);
        Assert.Contains("| **total** | | | **$8.67** | |", output, StringComparison.Ordinal); // arm64: $2.00 + 500,000 x $0.0000133334
        Assert.Contains("Break-even against EC2 t3.medium on demand, 730 h ($30.37/month): 29,38", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Cloud Run", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_PublishedExampleWithFreeTierAndHttpApi_Totals13Dollars47()
    {
        var (code, output, _) = Run("--requests", "10M", "--memory", "256", "--duration", "200ms", "--cloud", "aws", "--free-tier", "on");
        Assert.Equal(0, code);
        Assert.Contains("| Lambda requests (after 1,000,000 free) | 9,000,000 requests |", output, StringComparison.Ordinal);
        Assert.Contains("| API Gateway HTTP API, first 300M requests | 10,000,000 requests | 1 USD per 1M requests | $10.00 |", output, StringComparison.Ordinal);
        Assert.Contains("**$13.47**", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WorkloadOnEveryCloud_PrintsATablePerPlan()
    {
        var (_, output, _) = Run("--requests", "1000", "--per", "day", "--pattern", "saga");
        foreach (var heading in new[]
        {
            "### saga: AWS Lambda x86 + HTTP API (us-east-1)", "### saga: Cloud Run, request-based (us-central1)",
            "### saga: Cloud Run, instance-based (min 1) (us-central1)", "### saga: Azure Flex Consumption, on demand (East US)",
            "### saga: Azure Flex Consumption, 1 always ready (East US)", "### saga: Azure Functions Consumption (East US)",
        })
        {
            Assert.Contains(heading, output, StringComparison.Ordinal);
        }

        Assert.Contains("| Step Functions standard state transitions |", output, StringComparison.Ordinal);
        Assert.Contains("| Workflows internal steps |", output, StringComparison.Ordinal);
        Assert.Contains("| Durable task hub table transactions |", output, StringComparison.Ordinal);
        Assert.Contains("### saga: AWS Lambda arm64 + HTTP API (us-east-1)", output, StringComparison.Ordinal);
        Assert.Equal(7, Regex.Count(output, @"\| \*\*total\*\* \|"));
    }

    [Fact]
    public void Run_NoFlags_PrintsEveryPatternAtTheFourRatesOnEveryPlan()
    {
        var (code, output, _) = Run();
        Assert.Equal(0, code);
        Assert.Contains("| cloud, plan | 1K/day | 10K/day | 100K/day | 1M/day | break-even (compute + front door) |", output, StringComparison.Ordinal);
        var sections = output.Split("\n### ", StringSplitOptions.None).Skip(1).ToList();
        Assert.Equal(PatternCatalog.LoadDefault().RepositoryPatterns.Select(p => p.Name), sections.Select(s => s[..s.IndexOf(':', StringComparison.Ordinal)]));
        foreach (var section in sections)
        {
            var rows = section.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal) && !line.StartsWith("| cloud", StringComparison.Ordinal)).ToList();
            Assert.Equal(Enum.GetValues<HostingPlan>().Length + 1, rows.Count); // Lambda x86 and arm64
            Assert.StartsWith("| AWS Lambda x86", rows[0], StringComparison.Ordinal);
            Assert.StartsWith("| AWS Lambda arm64", rows[1], StringComparison.Ordinal);
            Assert.All(rows, row => Assert.Equal(4, Regex.Count(row, @"\| \$[\d,]+\.\d\d( \[U\])? ")));
        }

        Assert.Matches(@"Prices: USD list prices as of \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d", output);
    }

    [Fact]
    public void Run_Summary_PublishedWorkloadMatchesTheDetailedBill()
    {
        // items at 1M a day on Lambda x86 + HTTP API: 30,416,667 invocations, per million $0.20 + $0.833335 + $1.00
        // + DynamoDB $0.75, and 1 KB of log each (30,416,667 KiB = 29.0076 GiB x $0.50).
        var (_, output, _) = Run("--pattern", "items", "--cloud", "aws", "--arch", "x86");
        var expected = 30_416_666.666666m / 1_000_000m * (0.2m + 0.833335m + 1m + 0.75m) + 30_416_666.666666m * 1024m / (1024m * 1024m * 1024m) * 0.5m;
        Assert.Contains($"| ${Math.Round(expected, 2):#,0.00} |", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Prices_PrintsEveryKeyWithItsDateSourceAndStatus()
    {
        var (code, output, _) = Run("--prices");
        Assert.Equal(0, code);
        Assert.Contains("| key | item | price | unit | region | free tier | as of | sources | status |", output, StringComparison.Ordinal);
        foreach (var price in PriceBook.LoadDefault().Prices)
        {
            Assert.Contains($"| `{price.Key}` |", output, StringComparison.Ordinal);
        }

        Assert.Matches(@"\| `aws\.sqs\.fifo\.higher_tiers` \|.*\| \[U\] \|", output);
        Assert.Matches(@"\| `aws\.lambda\.requests` \| Lambda requests \(x86 and arm64\) \| 0\.2 \| USD per 1M requests \| us-east-1 \|.*\| 2026-09-20 \| AWS-REM, IC-LAMBDA, AE-LAMBDA \| P \|", output);
        Assert.Contains("| AWS-REM |", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--memory", "64")]
    [InlineData("--bogus")]
    [InlineData("--per", "day")]
    public void Run_BadCommandLine_ExitsTwoWithTheReasonAndUsage(params string[] args)
    {
        var (code, output, error) = Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(args[0], error, StringComparison.Ordinal);
        Assert.Contains("Usage:", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_Help_PrintsUsageAndExitsZero()
    {
        var (code, output, _) = Run("--help");
        Assert.Equal(0, code);
        Assert.Contains("portable cost --prices", output, StringComparison.Ordinal);
    }
}
