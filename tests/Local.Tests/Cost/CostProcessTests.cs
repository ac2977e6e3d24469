using Portable.Emulators.Processes;

namespace Portable.Local.Tests.Cost;

/// <summary>`portable cost` through the real executable, as a user types it (the command itself: tests/Pricing.Tests).</summary>
public sealed class CostProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static ChildProcess Start(params string[] args) =>
        ChildProcess.Start(ChildProcessOptions.Dotnet(Path.Combine(AppContext.BaseDirectory, "Portable.Local.dll"), args));

    [Fact]
    public async Task Cost_PublishedExample_PrintsLambdaAt10Dollars33AgainstTheT3Medium()
    {
        await using var process = Start("cost", "--requests", "10000000", "--per", "month", "--memory", "256", "--duration", "200ms", "--front", "none", "--arch", "x86");
        Assert.Equal(0, await process.WaitForExitAsync(Patience));
        var output = process.StandardOutput;
        Assert.Contains("### function: AWS Lambda x86 + Function URL (us-east-1)", output, StringComparison.Ordinal);
        Assert.Contains("| **total** | | | **$10.33** | |", output, StringComparison.Ordinal);
        Assert.Contains("Break-even against EC2 t3.medium on demand, 730 h ($30.37/month)", output, StringComparison.Ordinal);
        Assert.Contains("### function: Cloud Run, request-based (us-central1)", output, StringComparison.Ordinal);
        Assert.Contains("### function: Azure Functions Consumption (East US)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cost_BadFlag_ExitsTwoNamingTheFlagTheValueAndWhatIsAccepted()
    {
        await using var process = Start("cost", "--free-tier", "maybe");
        Assert.Equal(2, await process.WaitForExitAsync(Patience));
        Assert.Contains("--free-tier: 'maybe' is not accepted; give on or off.", process.StandardError, StringComparison.Ordinal);
        Assert.Empty(process.StandardOutput);
    }
}
