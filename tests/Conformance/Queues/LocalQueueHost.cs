using System.Globalization;
using System.Text.RegularExpressions;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Ledger;
using Portable.Compare.Hosts;

namespace Portable.Conformance.Queues;

/// <summary>
/// The local host as its users run it (<see cref="LocalHostProcess"/>): messages go in through
/// <c>POST /_local/queues/payments</c>, its own worker delivers them, dead letters come from
/// <c>GET /_local/queues/payments/dead-letters</c>, balances from <c>GET /accounts/{account}</c>. The worker runs on
/// the real clock (the local profile's short backoff), so a drain waits until <c>GET /_local/queues/payments</c>
/// finds nothing waiting. Transient failures are seen in the invoker's own log lines (event 2001).
/// </summary>
internal sealed partial class LocalQueueHost(LocalHostProcess host) : IQueueHostUnderTest
{
    private readonly HttpClient _client = host.CreateClient(HostDefaults.RequestTimeout);

    public DeliveryProfile Profile => DeliveryProfile.Local;

    public string ReadsVia => "GET /accounts/{account} on the same host";

    public static async Task<IQueueHostUnderTest> StartAsync(double? transientFaultRate) =>
        new LocalQueueHost(await LocalHostProcess.StartAsync(
            new Dictionary<string, string?> { [Core.Invocation.FaultInjectionMiddleware.RateVariable] = transientFaultRate?.ToString(CultureInfo.InvariantCulture) },
            maxOutputLines: 100_000)); // every failure line is counted

    public Task<string> SendAsync(string body, string? messageId = null) => host.EnqueueAsync(LedgerWriter.Queue, body, messageId);

    public async Task<DrainResult> DrainAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await host.DepthAsync(LedgerWriter.Queue, timeout.Token)).Messages > 0)
        {
            await Task.Delay(20, timeout.Token); // the worker's own loop delivers; this only polls for the end
        }

        return new DrainResult(null, null);
    }

    public async Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync() =>
        [.. (await host.DeadLettersAsync(LedgerWriter.Queue)).Select(l => new ObservedDeadLetter(l.Body, l.Reason, l.DeliveryCount))];

    public Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds) => LedgerAccounts.ReadAsync(_client, account);

    /// <summary>One delivery, plus one per "failed … it will be retried" line (event 2001) the invoker logged for the message.</summary>
    public int DeliveriesOf(string transportId) =>
        host.Process.OutputLines.Count(l => RetriedFailure().Match(l) is { Success: true } m && m.Groups["id"].Value == transportId) + 1;

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await host.DisposeAsync();
    }

    [GeneratedRegex(@"\[2001\] Message (?<id>\S+) failed in ")]
    private static partial Regex RetriedFailure();
}

