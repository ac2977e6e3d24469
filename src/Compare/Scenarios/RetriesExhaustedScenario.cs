using System.Globalization;
using Portable.Compare.Model;
using Portable.Compare.Queues;

namespace Portable.Compare.Scenarios;

/// <summary>
/// A valid payment whose downstream stays down: every delivery fails with a transient fault (the
/// <c>PORTABLE_FAULTS_TRANSIENT_RATE</c> / <c>_DELIVERIES</c> drill), so the handler never dead-letters it itself and
/// the platform retries until its own rule gives up. The row shows each platform's numbers side by side: how many
/// deliveries, and how much platform time (visibility timeouts, backoffs) passed before the dead letter.
/// </summary>
public sealed class RetriesExhaustedScenario : ICompareScenario
{
    private const string Account = "acc-down";
    private const string Body = """{"paymentId":"pay-down-1","account":"acc-down","amount":12.50,"currency":"EUR"}""";

    /// <inheritdoc />
    public string Id => "retries-exhausted";

    /// <inheritdoc />
    public string Pattern => "Queue processor";

    /// <inheritdoc />
    public string Title => "A message whose downstream stays down";

    /// <inheritdoc />
    public string Description =>
        "One valid payment sent to the payments queue while every delivery of it fails with a transient fault (the downstream is down); the platform retries until its own dead-letter rule gives up. Platform time is the emulator's clock, moved past each visibility timeout and backoff.";

    /// <inheritdoc />
    public bool RunsLive => false;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var options = QueueHostOptions.Default with { TransientFaultRate = 1.0, TransientFaultDeliveries = 100 };
        await using var started = await QueueScenarioHosts.StartAsync(Id, host, options, context, cancellationToken, why: " with its downstream down");
        var queue = started.Host;

        var id = await queue.SendAsync(Body, cancellationToken: cancellationToken);
        context.Progress($"{Id} on {host}: draining");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var drain = await queue.DrainAsync(cancellationToken);
        var real = clock.Elapsed;
        var letters = await queue.DeadLettersAsync(cancellationToken);
        var account = await queue.AccountAsync(Account, ["pay-down-1"], cancellationToken);
        var deliveries = queue.DeliveriesOf(id);
        var attempts = letters.Count == 1 ? letters[0].DeliveryCount ?? deliveries : deliveries;
        var rule = QueueScenarioHosts.DeadLetterRule(queue.Profile);
        // The emulators' clocks jump past timeouts and backoffs; the local host runs on the real clock.
        var waited = drain.ClockAdvanced switch
        {
            { } advanced when advanced == TimeSpan.Zero => "no wait between them",
            { } advanced => $"{Platform(advanced)} of platform time",
            null => $"{Platform(real)} (real time)",
        };
        context.Progress($"{Id} on {host}: {letters.Count} dead letter(s) after {attempts} deliveries, {waited}");

        return new HostResult
        {
            Host = host,
            Outcome = letters.Count == 1 ? $"dead-lettered after {attempts} deliveries, {waited}" : $"{letters.Count} dead letters",
            AsExpected = letters.Count == 1 && attempts == queue.Profile.MaxDeliveries && account is null,
            Attempts = attempts,
            Effects = account is null ? "nothing applied (every attempt failed before the write)" : $"{account.Entries} entries applied",
            Limit = $"{rule} → {queue.DeadLetterDestination}",
            Note = (queue.Profile.RetryDelay == TimeSpan.Zero ? "redelivered at once" : $"redelivered after {Platform(queue.Profile.RetryDelay)}")
                + (queue.Profile.MaxRetryDelay > queue.Profile.RetryDelay ? $", backing off to {Platform(queue.Profile.MaxRetryDelay)}" : string.Empty)
                + $"; the dead letter's reason: \"{(letters.Count > 0 ? Summary(letters[0].Reason) : "none")}\"",
        };
    }

    private static string Platform(TimeSpan time) => Report.ReportFormat.Duration(time);

    private static string Summary(string reason) => reason.Length > 80 ? reason[..80] + "…" : reason;
}
