using System.Collections.Concurrent;
using Portable.Compare.Model;
using Portable.Compare.Scenarios;
using Xunit.Abstractions;

namespace Portable.Compare.Tests.Scenarios;

/// <summary>
/// Every order-saga scenario (each mode, each path) on one host, behind its emulators, as <c>portable compare</c> runs
/// it: the row must say what the saga's rules say — the final status, the step attempts, the money and the stock, the
/// duplicate recognised — with measured latencies. Each host is its own class below, so the hosts run at once.
/// </summary>
public abstract class SagaScenarioTests(string host, ITestOutputHelper output)
{
    /// <summary>Every scenario's id.</summary>
    public static TheoryData<string> Scenarios => [.. OrderSagaScenario.All.Select(s => s.Id)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task RunAsync_EndsAsTheSagaRulesSay(string id)
    {
        var scenario = OrderSagaScenario.All.Single(s => s.Id == id);
        var progress = new ConcurrentQueue<string>();
        var context = new ScenarioContext { Progress = progress.Enqueue };

        var result = await scenario.RunAsync(host, context, CancellationToken.None);
        Write(output, result);

        var (status, effects, attempts) = scenario.Path.Id switch
        {
            "success" or "duplicate" => ("completed", "charged once, not refunded (each order); inventory reserved (10 units)", 4),
            "compensated" => ("compensated", "charged once, refunded once (each order); inventory released", 5),
            "declined" => ("compensated", "never charged (each order); inventory released", 3),
            var other => throw new InvalidOperationException($"no expectation for {other}"),
        };
        Assert.True(result.AsExpected, result.Note);
        Assert.Equal(host, result.Host);
        Assert.Equal(status, result.Outcome);
        Assert.Equal(effects, result.Effects);
        Assert.Equal(attempts, result.Attempts);
        Assert.Equal(scenario.Path.Duplicate ? OrderSagaScenario.Orders : null, result.DuplicatesSuppressed);
        Assert.NotNull(result.P50);
        Assert.NotNull(result.P99);
        Assert.InRange(result.P50.Value, TimeSpan.FromMilliseconds(1), result.P99.Value);
        Assert.False(string.IsNullOrEmpty(result.Limit));
        Assert.Contains(progress, line => line.StartsWith($"[{host}] {id}: started in ", StringComparison.Ordinal));
    }

    /// <summary>Writes a row to the test output.</summary>
    internal static void Write(ITestOutputHelper output, HostResult result) =>
        output.WriteLine($"{result.Host}: {result.Outcome}; attempts {result.Attempts}; duplicates {result.DuplicatesSuppressed}; {result.Effects}; p50 {result.P50?.TotalMilliseconds:0} ms, p99 {result.P99?.TotalMilliseconds:0} ms; {result.Limit}; {result.Note}");
}

public sealed class LocalSagaScenarioTests(ITestOutputHelper output) : SagaScenarioTests(CompareHosts.Local, output)
{
    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        var scenario = new OrderSagaScenario(OrderSagaScenario.Choreographed, OrderSagaPath.Compensated);
        var context = new ScenarioContext
        {
            Progress = line =>
            {
                if (line.Contains("orders placed", StringComparison.Ordinal))
                {
                    cancel.Cancel();
                }
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => scenario.RunAsync(CompareHosts.Local, context, cancel.Token));
    }
}

public sealed class AwsSagaScenarioTests(ITestOutputHelper output) : SagaScenarioTests(CompareHosts.Aws, output);

public sealed class GcpSagaScenarioTests(ITestOutputHelper output) : SagaScenarioTests(CompareHosts.Gcp, output);

public sealed class AzureSagaScenarioTests(ITestOutputHelper output) : SagaScenarioTests(CompareHosts.Azure, output);
