using System.Collections.Concurrent;
using Portable.Compare.Scenarios;
using Xunit.Abstractions;

namespace Portable.Compare.Tests.Scenarios;

/// <summary>
/// The CSV fan-out / fan-in scenario on every host behind its emulators: the job completes with the exact totals of
/// 1,998 well-formed rows in 20 chunks, the two malformed rows rejected, and each of the 20 second deliveries recognised.
/// </summary>
public sealed class CsvFanOutScenarioTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(CompareHosts.Local)]
    [InlineData(CompareHosts.Aws)]
    [InlineData(CompareHosts.Gcp)]
    [InlineData(CompareHosts.Azure)]
    public async Task RunAsync_CompletesWithExactTotals_EverySecondDeliveryRecognised(string host)
    {
        var progress = new ConcurrentQueue<string>();
        var scenario = new CsvFanOutScenario();

        var result = await scenario.RunAsync(host, new ScenarioContext { Progress = progress.Enqueue }, CancellationToken.None);
        SagaScenarioTests.Write(output, result);

        Assert.True(result.AsExpected, result.Note);
        Assert.Equal("completed", result.Outcome);
        Assert.Equal("1,998 rows totalled in 20 of 20 chunks, 2 rejected; totals exact", result.Effects);
        Assert.Equal(CsvFanOutScenario.Chunks, result.DuplicatesSuppressed);
        Assert.Null(result.P50); // no honest per-chunk latency: see the note
        Assert.Contains("POST to completed", result.Note, StringComparison.Ordinal);
        Assert.Contains(progress, line => line.StartsWith($"[{host}] csv-fan-out: completed ", StringComparison.Ordinal));
    }

    [Fact]
    public void ExpectedTotals_CountEveryWellFormedRow()
    {
        Assert.Equal(20, CsvFanOutScenario.Chunks);
        Assert.Equal(CsvFanOutScenario.DataRows - 2, CsvFanOutScenario.ExpectedTotals.Values.Sum(t => t.Count));
        Assert.Equal(["books", "food, drink", "garden", "toys"], CsvFanOutScenario.ExpectedTotals.Keys.Order(StringComparer.Ordinal));
    }
}
