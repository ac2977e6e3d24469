using System.Diagnostics;
using System.Globalization;
using Portable.Compare.Queues;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// The reliability drill of issue 3 through each cloud host's emulator with its real store: 10,000 distinct payments
/// over 20 accounts, 10 % of first deliveries failed on purpose (<c>PORTABLE_FAULTS_TRANSIENT_RATE</c> on the host
/// process) and about 30 % duplicate deliveries, half of them the emulator delivering an acknowledged message once
/// more under the same transport id (at-least-once), half re-sends of the same payment under a new id. Exactly 10,000
/// effects must come out: no dead letter, every balance the sum of its distinct payments, 10,000 entries in all.
/// Each host is its own test class, so the three drills run at once (xunit runs collections in parallel).
/// </summary>
public static class ReliabilityDrill
{
    public const int Payments = 10_000;
    public const int Accounts = 20;

    /// <summary>The share of payments sent twice under a new message id (the drill's half of the duplicates).</summary>
    public const double ResendRate = 0.15;

    /// <summary>
    /// The emulator's same-id redelivery rate: it applies to each acknowledged message, and about
    /// <c>1 + ResendRate</c> messages per payment are acknowledged, so this gives about <see cref="ResendRate"/>
    /// same-id redeliveries per payment — the other half of 30 %.
    /// </summary>
    public const double SameIdRate = ResendRate / (1 + ResendRate);

    /// <summary>The host options of a drill with <paramref name="concurrency"/> deliveries in flight.</summary>
    public static QueueHostOptions Options(int concurrency) => new()
    {
        TransientFaultRate = 0.10,
        DuplicateDeliveryRate = SameIdRate,
        RandomSeed = 7,
        Concurrency = concurrency,
        MaxDrainRounds = 100_000,
    };

    public static async Task RunAsync(string name, Func<QueueHostOptions, Task<StartedQueueHost>> start, int concurrency, ITestOutputHelper output)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        await using var started = await start(Options(concurrency));
        var startup = clock.Elapsed;
        var host = started.Host;
        var counted = Assert.IsAssignableFrom<IQueueDeliveryCounts>(host);

        var random = new Random(42);
        var expected = new decimal[Accounts];
        var paymentIds = Enumerable.Range(0, Accounts).Select(_ => new List<string>()).ToArray();
        var sends = new List<string>();
        for (var i = 0; i < Payments; i++)
        {
            var amount = random.Next(1, 100_000) / 100m;
            expected[i % Accounts] += amount;
            paymentIds[i % Accounts].Add($"p{i}");
            var body = $$"""{"paymentId":"p{{i}}","account":"acc-{{i % Accounts}}","amount":{{amount.ToString(CultureInfo.InvariantCulture)}},"currency":"EUR"}""";
            sends.Add(body);
            if (random.NextDouble() < ResendRate)
            {
                sends.Add(body); // the producer re-sends: a new transport message with the same payment
            }
        }

        var sendClock = Stopwatch.StartNew();
        foreach (var body in sends.OrderBy(_ => random.Next()))
        {
            await host.SendAsync(body);
        }

        var sendTime = sendClock.Elapsed;
        var drainClock = Stopwatch.StartNew();
        var drain = await host.DrainAsync();
        var drainTime = drainClock.Elapsed;
        var counts = counted.Counts();
        var resent = sends.Count - Payments;
        var duplicates = resent + counts.SameIdRedeliveries;

        output.WriteLine($"{name}: {Payments} payments, {sends.Count} messages sent ({resent} re-sends under a new id), concurrency {concurrency}");
        output.WriteLine($"  deliveries {counts.Deliveries} in {counts.Invocations} invocations; same-id redeliveries {counts.SameIdRedeliveries}; "
            + $"duplicates {duplicates} ({100.0 * duplicates / Payments:0.0} %); failed deliveries (injected faults) {counts.FailedDeliveries?.ToString(CultureInfo.InvariantCulture) ?? "not observable"}; "
            + $"clock advanced {drain.ClockAdvanced?.TotalSeconds.ToString("0", CultureInfo.InvariantCulture) ?? "-"} s");
        output.WriteLine($"  wall time: start {startup.TotalSeconds:0.0} s, send {sendTime.TotalSeconds:0.0} s, drain {drainTime.TotalSeconds:0.0} s "
            + $"({counts.Deliveries / Math.Max(drainTime.TotalSeconds, 0.001):0} deliveries/s)");

        var deadLetters = await host.DeadLettersAsync();
        Assert.True(deadLetters.Count == 0, $"{name}: {deadLetters.Count} dead letter(s), e.g. {(deadLetters.Count > 0 ? deadLetters[0].Reason : string.Empty)}");
        var readClock = Stopwatch.StartNew();
        var total = 0;
        for (var a = 0; a < Accounts; a++)
        {
            var account = await host.AccountAsync($"acc-{a}", paymentIds[a]);
            Assert.True(account is not null, $"{name}: acc-{a} has no entries");
            Assert.True(expected[a] == account.Balance, $"{name}: acc-{a} balance {account.Balance}, expected {expected[a]} ({account.Entries} entries for {paymentIds[a].Count} payments)");
            total += account.Entries;
        }

        output.WriteLine($"  read {Accounts} balances in {readClock.Elapsed.TotalSeconds:0.0} s; total {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(Payments, total);
        Assert.Equal(sends.Count + counts.SameIdRedeliveries + counts.FailedDeliveries, counts.Deliveries);
        Assert.True(counts.SameIdRedeliveries > 0, $"{name}: the emulator made no same-id redelivery");
        Assert.True(duplicates > Payments * 0.25, $"{name}: the drill should carry about 30 % duplicates, had {duplicates} ({resent} re-sends, {counts.SameIdRedeliveries} same-id)");
        Assert.True(counts.FailedDeliveries > Payments * 0.05, $"{name}: about 10 % of first deliveries should fail, {counts.FailedDeliveries} did");
    }
}

/// <summary>The drill on AWS: the real bootstrap fed by the SQS event source emulator (batches of 10), state in DynamoDB on dynalite.</summary>
public sealed class AwsSqsReliabilityDrillTests(ITestOutputHelper output)
{
    [Fact]
    public Task ReliabilityDrill_AwsSqs_DynamoDb_ExactlyOnceEffect() =>
        ReliabilityDrill.RunAsync("aws-sqs (DynamoDB on dynalite)", AwsQueueHost.StartWithDynaliteAsync, concurrency: 4, output);
}

/// <summary>The drill on Azure: the real Portable.Azure under the Functions host emulator (16 messages at once), state in Table Storage on Azurite.</summary>
public sealed class AzureStorageQueueReliabilityDrillTests(ITestOutputHelper output)
{
    [Fact]
    public Task ReliabilityDrill_AzureStorageQueue_TableStorage_ExactlyOnceEffect() =>
        ReliabilityDrill.RunAsync("azure-storage-queue (Table Storage on Azurite)", AzureQueueHost.StartWithAzuriteAsync, concurrency: 16, output);
}

/// <summary>The drill on GCP: the real Portable.Gcp fed by the Pub/Sub push emulator (16 pushes outstanding), state in PostgreSQL.</summary>
public sealed class GcpPubSubPushReliabilityDrillTests(ITestOutputHelper output)
{
    [Fact]
    public Task ReliabilityDrill_GcpPubSubPush_Postgres_ExactlyOnceEffect() =>
        ReliabilityDrill.RunAsync("gcp-pubsub-push (PostgreSQL)", GcpQueueHost.StartWithPostgresAsync, concurrency: 16, output);
}
