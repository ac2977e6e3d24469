using System.Globalization;
using Portable.Compare.Model;
using Portable.Compare.Queues;

namespace Portable.Compare.Scenarios;

/// <summary>
/// The queue processor's poison message: four good payments and one malformed one (truncated JSON) sent to
/// <c>payments</c>, drained through the host's delivery protocol on its emulator. The row says where the poison
/// message ended up, on which delivery (the dead letter's own delivery count), which rule decided it and how many
/// good payments the ledger applied.
/// </summary>
public sealed class PoisonMessageScenario : ICompareScenario
{
    private const string Account = "acc-poison";
    private const string Currency = "EUR";

    private static readonly string[] GoodAmounts = ["10.25", "20.00", "3.50", "0.75"];

    /// <summary>The malformed payment: its JSON stops after the amount's name.</summary>
    internal const string PoisonBody = """{"paymentId":"pay-poison","account":"acc-poison","amount":""";

    /// <inheritdoc />
    public string Id => "poison-message";

    /// <inheritdoc />
    public string Pattern => "Queue processor";

    /// <inheritdoc />
    public string Title => "Poison message among good payments";

    /// <inheritdoc />
    public string Description =>
        $"{GoodAmounts.Length} good payments and one malformed one (truncated JSON) are sent to the ledger-writer's payments queue and drained; "
        + "where the poison message is dead-lettered, on which delivery, and the good payments applied.";

    /// <inheritdoc />
    public bool RunsLive => false;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var started = await QueueScenarioHosts.StartAsync(Id, host, QueueHostOptions.Default, context, cancellationToken);
        var queue = started.Host;

        context.Progress($"{Id} on {host}: sending {GoodAmounts.Length} good payments and 1 malformed");
        var paymentIds = new List<string>();
        string? poisonId = null;
        for (var i = 0; i < GoodAmounts.Length; i++)
        {
            var paymentId = $"pay-good-{i + 1}";
            paymentIds.Add(paymentId);
            await queue.SendAsync(Payment(paymentId, GoodAmounts[i]), cancellationToken: cancellationToken);
            if (i == 1)
            {
                poisonId = await queue.SendAsync(PoisonBody, cancellationToken: cancellationToken); // in the middle of the burst
            }
        }

        context.Progress($"{Id} on {host}: draining");
        await queue.DrainAsync(cancellationToken);

        var letters = await queue.DeadLettersAsync(cancellationToken);
        var poison = letters.Where(l => l.Body == PoisonBody).ToList();
        var others = letters.Count - poison.Count;
        var account = await queue.AccountAsync(Account, paymentIds, cancellationToken);
        var entries = account?.Entries ?? 0;
        var expectedBalance = GoodAmounts.Sum(a => decimal.Parse(a, CultureInfo.InvariantCulture));
        var deliveries = queue.DeliveriesOf(poisonId!);
        var attempts = poison.Count == 1 ? poison[0].DeliveryCount ?? deliveries : deliveries;
        context.Progress($"{Id} on {host}: {poison.Count} poison dead letter(s) after {attempts} delivery(ies), {entries} ledger entries");

        var rule = QueueScenarioHosts.DeadLetterRule(queue.Profile);
        var deadLettered = poison.Count == 1;
        return new HostResult
        {
            Host = host,
            Outcome = deadLettered ? $"dead-lettered → {queue.DeadLetterDestination}" : poison.Count == 0 ? "not dead-lettered" : $"dead-lettered {poison.Count} times",
            AsExpected = deadLettered && others == 0 && entries == GoodAmounts.Length && account?.Balance == expectedBalance,
            Attempts = attempts,
            Effects = $"{entries} of {GoodAmounts.Length} good payments applied"
                + (account is null ? string.Empty : $" ({account.Balance.ToString("0.00", CultureInfo.InvariantCulture)} {account.Currency})")
                + (others > 0 ? $"; {others} other dead letter(s)" : string.Empty),
            Limit = !deadLettered ? rule
                : attempts == 1 ? $"the handler's permanent failure (not a valid payment) on delivery 1; {rule} not reached"
                : $"{rule} → {queue.DeadLetterDestination}",
            Note = !deadLettered ? $"{letters.Count} dead letter(s) in all, none with the poison body; delivered {deliveries} time(s)"
                : attempts == 1 ? $"recognised by ledger-writer at once (Payment.TryParse: \"{Summary(poison[0].Reason)}\"), dead-lettered with that reason, not retried; delivery count from the dead letter"
                : $"retried {attempts - 1} time(s) until the platform gave up (\"{poison[0].Reason}\"); delivery count from the dead letter",
        };
    }

    // The reason's first clause: the parser's position details vary by runtime (an AOT bootstrap keeps only resource keys).
    private static string Summary(string reason) => reason.IndexOf(" (", StringComparison.Ordinal) is > 0 and var cut ? reason[..cut] : reason;

    private static string Payment(string paymentId, string amount) =>
        $$"""{"paymentId":"{{paymentId}}","account":"{{Account}}","amount":{{amount}},"currency":"{{Currency}}"}""";
}
