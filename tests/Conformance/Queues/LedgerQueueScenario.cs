using System.Globalization;
using Portable.Compare.Queues;
using Portable.Core.Messaging;

namespace Portable.Conformance.Queues;

/// <summary>
/// The ledger's queue behaviours, as one script run against a host: a burst with one poison message, a duplicate,
/// a conflicting duplicate, and (on a second instance of the host with every first delivery failed on purpose,
/// <c>PORTABLE_FAULTS_TRANSIENT_RATE=1</c>) a transient failure. Each step asserts the specified outcome and
/// records a normalised observation; <see cref="Transcript.Lines"/> must equal the local host's, while
/// <see cref="Transcript.Facts"/> are the host's own delivery profile as observed (batching, clock moved before a
/// retry), checked against <see cref="DeliveryProfile"/> instead of against local.
/// </summary>
public static class LedgerQueueScenario
{
    private const string Currency = "EUR";

    /// <summary>Runs the script on <paramref name="host"/> and <paramref name="faulty"/>; throws naming the host and step on the first broken rule.</summary>
    public static async Task<Transcript> RunAsync(string name, IQueueHostUnderTest host, IQueueHostUnderTest faulty)
    {
        var t = new Transcript(name);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal); // body -> label
        var sentTo = new Dictionary<string, List<string>>(StringComparer.Ordinal); // account -> payment ids
        string Payment(string label, string paymentId, string account, string amount)
        {
            var body = $$"""{"paymentId":"{{paymentId}}","account":"{{account}}","amount":{{amount}},"currency":"{{Currency}}"}""";
            labels[body] = label;
            if (!sentTo.TryGetValue(account, out var ids))
            {
                sentTo[account] = ids = [];
            }

            if (!ids.Contains(paymentId))
            {
                ids.Add(paymentId);
            }

            return body;
        }

        t.Fact($"profile {host.Profile.Key}: batch {host.Profile.BatchSize}, dead-letter after {host.Profile.MaxDeliveries?.ToString(CultureInfo.InvariantCulture) ?? "unlimited"} deliveries, "
            + $"visibility {host.Profile.VisibilityTimeout.TotalSeconds:0.#} s, retry delay {host.Profile.RetryDelay.TotalSeconds:0.#} s; balances read via {host.ReadsVia}");

        // 1. A burst of five payments, one of them poison: the four good ones applied, the poison dead-lettered at once.
        string[] amounts = ["10.25", "20.00", "-1", "3.50", "0.75"];
        var burstIds = new List<string>();
        for (var i = 0; i < amounts.Length; i++)
        {
            var label = i == 2 ? "burst-poison" : $"burst-{i + 1}";
            burstIds.Add(await host.SendAsync(Payment(label, $"pay-b{i + 1}", "acc-burst", amounts[i]), $"msg-b{i + 1}"));
        }

        var burst = await host.DrainAsync();
        if (burst.Invocations is { } invocations)
        {
            var batch = Math.Min(host.Profile.BatchSize, amounts.Length);
            var expected = (amounts.Length + batch - 1) / batch;
            t.Fact($"burst: {amounts.Length} messages in {invocations} invocation(s) (batch size {host.Profile.BatchSize})");
            t.Check("burst", invocations == expected, $"{amounts.Length} messages took {invocations} invocations; batch size {host.Profile.BatchSize} gives {expected}");
        }
        else
        {
            t.Fact($"burst: {amounts.Length} messages, invocations not observable (the host's own worker batches up to {host.Profile.BatchSize})");
        }

        var poisonDeliveries = host.DeliveriesOf(burstIds[2]);
        t.Check("burst", poisonDeliveries == 1, $"the poison message was delivered {poisonDeliveries} times; a permanent failure must not be retried");
        t.Line($"burst: poison delivered {poisonDeliveries} time(s)");

        // 2. The same message twice: one effect.
        var duplicate = Payment("duplicate", "pay-d1", "acc-dup", "25.00");
        var firstCopy = await host.SendAsync(duplicate, "msg-d1");
        var secondCopy = await host.SendAsync(duplicate, "msg-d1");
        await host.DrainAsync();
        t.Line($"duplicate: copies delivered {host.DeliveriesOf(firstCopy)}+{host.DeliveriesOf(secondCopy)} time(s)");

        // 3. The same payment id with another amount: dead-lettered as a conflict, the first effect kept.
        await host.SendAsync(Payment("conflict-first", "pay-c1", "acc-conflict", "40.00"), "msg-c1");
        await host.DrainAsync();
        var conflictId = await host.SendAsync(Payment("conflict-second", "pay-c1", "acc-conflict", "41.00"), "msg-c2");
        await host.DrainAsync();
        var conflictDeliveries = host.DeliveriesOf(conflictId);
        t.Check("conflict", conflictDeliveries == 1, $"the conflicting message was delivered {conflictDeliveries} times; a conflict must not be retried");
        t.Line($"conflict: second delivered {conflictDeliveries} time(s)");

        // 4. A transient failure (the first delivery fails on purpose): applied once, on the redelivery.
        var flakyId = await faulty.SendAsync(Payment("flaky", "pay-f1", "acc-flaky", "7.25"), "msg-f1");
        var flaky = await faulty.DrainAsync();
        var flakyDeliveries = faulty.DeliveriesOf(flakyId);
        t.Check("transient", flakyDeliveries == 2, $"the message failed once on purpose and was delivered {flakyDeliveries} times; expected 2");
        t.Line($"transient: delivered {flakyDeliveries} time(s)");
        if (flaky.ClockAdvanced is { } waited)
        {
            var expected = faulty.Profile.Key == DeliveryProfile.AwsSqs.Key ? faulty.Profile.VisibilityTimeout : faulty.Profile.BackoffAfter(1);
            t.Fact($"transient: redelivered after {waited.TotalSeconds:0.#} s on the emulator's clock");
            t.Check("transient", waited == expected, $"redelivered after {waited}, the profile says {expected}");
        }
        else
        {
            t.Fact($"transient: redelivered by the host's own worker on the real clock (profile backoff {faulty.Profile.BackoffAfter(1).TotalMilliseconds:0} ms)");
        }

        // Dead letters, before any balance is read (a host that reads by probing adds its own).
        var letters = await host.DeadLettersAsync();
        foreach (var letter in letters.OrderBy(l => Label(labels, l.Body), StringComparer.Ordinal))
        {
            var label = Label(labels, letter.Body);
            var category = Category(letter.Reason);
            t.Line($"dead-letter {label}: {category}" + (letter.DeliveryCount is { } n ? $", on delivery {n}" : string.Empty));
        }

        t.Check("dead-letters", letters.Count == 2, $"expected the poison and the conflict, got: {string.Join(" | ", letters.Select(l => $"{Label(labels, l.Body)}: {l.Reason}"))}");
        var poison = letters.SingleOrDefault(l => Label(labels, l.Body) == "burst-poison");
        t.Check("burst", poison is not null && poison.Reason.Contains("amount", StringComparison.Ordinal), $"the poison's dead letter must name amount: '{poison?.Reason}'");
        var conflict = letters.SingleOrDefault(l => Label(labels, l.Body) == "conflict-second");
        t.Check("conflict", conflict is not null && conflict.Reason.StartsWith("Conflict", StringComparison.Ordinal), $"the conflict's dead letter must say Conflict: '{conflict?.Reason}'");
        var faultyLetters = await faulty.DeadLettersAsync();
        t.Check("transient", faultyLetters.Count == 0, $"nothing may be dead-lettered by a transient failure: {string.Join(" | ", faultyLetters.Select(l => l.Reason))}");

        // Balances.
        await AccountAsync(t, host, "acc-burst", sentTo, 34.50m, 4);
        await AccountAsync(t, host, "acc-dup", sentTo, 25.00m, 1);
        await AccountAsync(t, host, "acc-conflict", sentTo, 40.00m, 1);
        await AccountAsync(t, faulty, "acc-flaky", sentTo, 7.25m, 1);
        return t;
    }

    private static async Task AccountAsync(Transcript t, IQueueHostUnderTest host, string account, Dictionary<string, List<string>> sentTo, decimal balance, int entries)
    {
        var observed = await host.AccountAsync(account, sentTo[account]);
        t.Check(account, observed is not null, "the account has no entries");
        t.Check(account, observed!.Balance == balance && observed.Entries == entries && observed.Currency == Currency,
            $"balance {observed.Balance} {observed.Currency} with {observed.Entries} entries; expected {balance} {Currency} with {entries}");
        t.Line($"account {account}: balance {observed.Balance.ToString("0.00", CultureInfo.InvariantCulture)} {observed.Currency}, {observed.Entries} entries");
    }

    private static string Label(Dictionary<string, string> labels, string body) => labels.TryGetValue(body, out var label) ? label : $"unknown body {body}";

    /// <summary>The reason's category: what kind of permanent failure, not its wording.</summary>
    public static string Category(string reason) =>
        reason.StartsWith("Conflict", StringComparison.Ordinal) ? "Conflict"
        : reason.Contains("amount", StringComparison.Ordinal) ? "invalid (amount)"
        : $"other ({reason})";

    /// <summary>A host's observations: lines compared with local's, facts checked against its own profile.</summary>
    public sealed class Transcript(string host)
    {
        public List<string> Lines { get; } = [];

        public List<string> Facts { get; } = [];

        public void Line(string line) => Lines.Add(line);

        public void Fact(string fact) => Facts.Add(fact);

        public void Check(string step, bool condition, string detail)
        {
            if (!condition)
            {
                throw new Xunit.Sdk.XunitException($"[{host}] step '{step}': {detail}\nSo far:\n  {string.Join("\n  ", Lines.Concat(Facts))}");
            }
        }
    }
}
