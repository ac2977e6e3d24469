using System.Collections.Concurrent;
using Portable.Compare.Model;
using Portable.Compare.Scenarios;
using Xunit.Abstractions;

namespace Portable.Compare.Tests.Scenarios;

/// <summary>
/// The queue processor's compare scenarios on every host, each behind its emulator with its platform's delivery
/// profile: the real ledger-writer, the real delivery protocol, the rows read back as the report prints them.
/// </summary>
public sealed class QueueScenarioTests(ITestOutputHelper output)
{
    public static TheoryData<string> Hosts => [.. CompareHosts.All];

    // Where each platform puts a dead letter, and its own rule (the profile's number), as the row must name them.
    private static readonly Dictionary<string, (string Destination, string Rule)> DeadLetters = new()
    {
        [CompareHosts.Local] = ("payments dead letters (SQLite)", "local queue max deliveries 5"),
        [CompareHosts.Aws] = ("payments-dlq", "SQS redrive maxReceiveCount 5"),
        [CompareHosts.Gcp] = ("payments-dead-letter", "Pub/Sub maxDeliveryAttempts 5"),
        [CompareHosts.Azure] = ("payments-poison", "queueTrigger maxDequeueCount 5"),
    };

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task PoisonMessage_OnEveryHost_IsDeadLetteredOnItsFirstDeliveryAndTheGoodPaymentsApplied(string host)
    {
        var (result, progress) = await RunAsync(new PoisonMessageScenario(), host);

        // The ledger-writer recognises a malformed payment itself and dead-letters it with its reason at once
        // (the conformance transcript's "poison delivered 1 time(s)"), before any platform rule is reached.
        Assert.True(result.AsExpected, Describe(result));
        Assert.StartsWith("dead-lettered → " + DeadLetters[host].Destination, result.Outcome, StringComparison.Ordinal);
        Assert.Equal(1, result.Attempts);
        Assert.StartsWith("4 of 4 good payments applied (34.50 EUR)", result.Effects, StringComparison.Ordinal);
        Assert.DoesNotContain("other dead letter", result.Effects, StringComparison.Ordinal);
        Assert.Contains(DeadLetters[host].Rule + " not reached", result.Limit, StringComparison.Ordinal);
        Assert.Contains("recognised by ledger-writer at once", result.Note, StringComparison.Ordinal);
        Assert.Null(result.DuplicatesSuppressed);
        Assert.Contains(progress, l => l.Contains("draining", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Hosts))]
    public async Task DuplicateBurst_OnEveryHost_AppliesThePaymentOnceAndSuppressesTheOtherCopies(string host)
    {
        var (result, _) = await RunAsync(new DuplicateBurstScenario(), host);

        Assert.True(result.AsExpected, Describe(result));
        Assert.Equal("applied once", result.Outcome);
        Assert.StartsWith("1 ledger entry (25.00 EUR)", result.Effects, StringComparison.Ordinal);
        Assert.Equal(DuplicateBurstScenario.Copies - 1, result.DuplicatesSuppressed);
        // No injected faults and no emulated duplicates: each of the 20 messages is delivered exactly once.
        Assert.Equal(DuplicateBurstScenario.Copies, result.Attempts);
        Assert.Contains("at-least-once", result.Limit, StringComparison.Ordinal);
        Assert.Contains($"{DuplicateBurstScenario.Copies} sends → {DuplicateBurstScenario.Copies} transport message ids", result.Note, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DuplicateBurst_Cancelled_StopsWithTheToken()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => new DuplicateBurstScenario().RunAsync(CompareHosts.Local, new ScenarioContext(), cancelled.Token));
    }

    private async Task<(HostResult Result, IReadOnlyList<string> Progress)> RunAsync(ICompareScenario scenario, string host)
    {
        var progress = new ConcurrentQueue<string>();
        var context = new ScenarioContext { Progress = progress.Enqueue };
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await scenario.RunAsync(host, context, timeout.Token);
        output.WriteLine($"{scenario.Id} on {host} in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var line in progress)
        {
            output.WriteLine("  " + line);
        }

        output.WriteLine("  " + Describe(result));
        Assert.Equal(host, result.Host);
        return (result, [.. progress]);
    }

    private static string Describe(HostResult r) =>
        $"{r.Host}: outcome '{r.Outcome}', as expected {r.AsExpected}, attempts {r.Attempts}, suppressed {r.DuplicatesSuppressed}, effects '{r.Effects}', limit '{r.Limit}', note '{r.Note}'";
}
