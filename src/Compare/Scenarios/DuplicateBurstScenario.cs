using System.Globalization;
using Portable.Compare.Model;
using Portable.Compare.Queues;

namespace Portable.Compare.Scenarios;

/// <summary>
/// The queue processor's duplicate burst: one payment sent <see cref="Copies"/> times (the same payment id and body,
/// a new transport message id per send, as a producer that retries its send does), drained through the host's
/// delivery protocol on its emulator. The row counts what the host observably did: deliveries, ledger entries, and
/// the copies acknowledged without a new entry (suppressed as duplicates by the ledger's insert-if-absent).
/// </summary>
public sealed class DuplicateBurstScenario : ICompareScenario
{
    /// <summary>How many times the payment is sent.</summary>
    public const int Copies = 20;

    private const string Account = "acc-dup-burst";
    private const string PaymentId = "pay-dup-1";
    private const decimal Amount = 25.00m;

    /// <inheritdoc />
    public string Id => "duplicate-burst";

    /// <inheritdoc />
    public string Pattern => "Queue processor";

    /// <inheritdoc />
    public string Title => "Duplicate burst: one payment sent 20 times";

    /// <inheritdoc />
    public string Description =>
        $"The same payment (one payment id) is sent {Copies} times to the ledger-writer's payments queue, each send a new message, and drained; "
        + "the ledger must apply it once and recognise the other copies as duplicates.";

    /// <inheritdoc />
    public bool RunsLive => false;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        await using var started = await QueueScenarioHosts.StartAsync(Id, host, QueueHostOptions.Default, context, cancellationToken);
        var queue = started.Host;

        context.Progress($"{Id} on {host}: sending payment {PaymentId} {Copies} times");
        var body = $$"""{"paymentId":"{{PaymentId}}","account":"{{Account}}","amount":{{Amount.ToString("0.00", CultureInfo.InvariantCulture)}},"currency":"EUR"}""";
        var ids = new List<string>();
        for (var i = 0; i < Copies; i++)
        {
            ids.Add(await queue.SendAsync(body, cancellationToken: cancellationToken));
        }

        context.Progress($"{Id} on {host}: draining");
        await queue.DrainAsync(cancellationToken);

        // Drained: every copy was either acknowledged or dead-lettered. An acknowledged copy either wrote the entry or found it.
        var deadLettered = (await queue.DeadLettersAsync(cancellationToken)).Count(l => l.Body == body);
        var account = await queue.AccountAsync(Account, [PaymentId], cancellationToken);
        var entries = account?.Entries ?? 0;
        var acknowledged = Copies - deadLettered;
        var deliveries = ids.Sum(queue.DeliveriesOf);
        var distinct = ids.Distinct(StringComparer.Ordinal).Count();
        context.Progress($"{Id} on {host}: {deliveries} deliveries of {distinct} messages, {entries} ledger entr{(entries == 1 ? "y" : "ies")}, {deadLettered} dead-lettered");

        return new HostResult
        {
            Host = host,
            Outcome = entries == 1 ? "applied once" : $"applied {entries} times",
            AsExpected = entries == 1 && deadLettered == 0 && account?.Balance == Amount && distinct == Copies,
            Attempts = deliveries,
            DuplicatesSuppressed = Math.Max(acknowledged - entries, 0),
            Effects = $"{entries} ledger entr{(entries == 1 ? "y" : "ies")}" + (account is null ? string.Empty : $" ({account.Balance.ToString("0.00", CultureInfo.InvariantCulture)} {account.Currency})")
                + (deadLettered > 0 ? $"; {deadLettered} cop{(deadLettered == 1 ? "y" : "ies")} dead-lettered" : string.Empty),
            Limit = QueueScenarioHosts.DeliveryGuarantee(queue.Profile),
            Note = $"{Copies} sends → {distinct} transport message ids, {deliveries} deliveries; the ledger's insert-if-absent on the payment id "
                + "(not the transport id) tells a duplicate; latency not measured: the emulator's clock is driven by the drain, not real time",
        };
    }
}
