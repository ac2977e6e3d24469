using System.Globalization;
using System.Text.RegularExpressions;
using Portable.Compare.Hosts;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Ledger;

namespace Portable.Compare.Queues;

/// <summary>
/// The local host as its users run it (<see cref="LocalHostProcess"/>): messages go in through
/// <c>POST /_local/queues/payments</c>, its own worker delivers them, dead letters come from
/// <c>GET /_local/queues/payments/dead-letters</c>, balances from <c>GET /accounts/{account}</c>. The worker runs on
/// the real clock (the local profile's short backoff), so a drain waits until <c>GET /_local/queues/payments</c>
/// finds nothing waiting. Transient failures are seen in the invoker's own log lines (event 2001).
/// </summary>
public sealed partial class LocalQueueHost : IQueueHostUnderTest
{
    private readonly LocalHostProcess _host;
    private readonly HttpClient _client;

    private LocalQueueHost(LocalHostProcess host)
    {
        _host = host;
        _client = host.CreateClient(HostDefaults.RequestTimeout);
    }

    /// <inheritdoc />
    public DeliveryProfile Profile => DeliveryProfile.Local;

    /// <inheritdoc />
    public string ReadsVia => "GET /accounts/{account} on the same host";

    /// <inheritdoc />
    public string DeadLetterDestination => "payments dead letters (SQLite)";

    /// <summary>Starts the local host with <paramref name="options"/>' fault rate (the other options are the emulators').</summary>
    /// <param name="options">How the host is started.</param>
    /// <param name="cancellationToken">Stops the start; the process is killed.</param>
    public static async Task<IQueueHostUnderTest> StartAsync(QueueHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LocalQueueHost(await LocalHostProcess.StartAsync(
            new Dictionary<string, string?> { [FaultInjectionMiddleware.RateVariable] = options.TransientFaultRate?.ToString(CultureInfo.InvariantCulture) },
            maxOutputLines: 100_000, // every failure line is counted
            cancellationToken: cancellationToken));
    }

    /// <inheritdoc />
    public Task<string> SendAsync(string body, string? messageId = null, CancellationToken cancellationToken = default) =>
        _host.EnqueueAsync(LedgerWriter.Queue, body, messageId, cancellationToken);

    /// <inheritdoc />
    public async Task<DrainResult> DrainAsync(CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        while ((await _host.DepthAsync(LedgerWriter.Queue, timeout.Token)).Messages > 0)
        {
            await Task.Delay(20, timeout.Token); // the worker's own loop delivers; this only polls for the end
        }

        return new DrainResult(null, null);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync(CancellationToken cancellationToken = default) =>
        [.. (await _host.DeadLettersAsync(LedgerWriter.Queue, cancellationToken)).Select(l => new ObservedDeadLetter(l.Body, l.Reason, l.DeliveryCount))];

    /// <inheritdoc />
    public Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken = default) =>
        LedgerAccounts.ReadAsync(_client, account, cancellationToken);

    /// <summary>One delivery, plus one per "failed … it will be retried" line (event 2001) the invoker logged for the message.</summary>
    /// <param name="transportId">The id <see cref="SendAsync"/> returned.</param>
    public int DeliveriesOf(string transportId) =>
        _host.Process.OutputLines.Count(l => RetriedFailure().Match(l) is { Success: true } m && m.Groups["id"].Value == transportId) + 1;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    [GeneratedRegex(@"\[2001\] Message (?<id>\S+) failed in ")]
    private static partial Regex RetriedFailure();
}
