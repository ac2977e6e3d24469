using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.Local;
using Portable.Local.Queues;
using Portable.TestKit;

namespace Portable.Conformance.Events;

/// <summary>
/// The local host (<see cref="LocalHost.Build"/>, in this process, as <c>portable run</c> composes it) with its own
/// event bus: a published event is matched against every rule and queued on the durable SQLite queue named after the
/// rule; each rule's worker delivers it through Core's event invoker, retries a failure after the bus's backoff and
/// dead-letters to that queue's dead letters (<c>/_local/queues/{rule}/dead-letters</c>). Queued: a malformed event
/// is a message on the rule's queue that is no event envelope, and must be dead-lettered (the HTTP endpoints refuse one with a 400 before it is queued).
/// </summary>
internal sealed class LocalRoutingHost : IRoutingHost
{
    private readonly string _dataDirectory;
    private readonly WebApplication _host;

    private LocalRoutingHost(string dataDirectory, WebApplication host)
    {
        _dataDirectory = dataDirectory;
        _host = host;
        Publisher = new HttpClient { BaseAddress = host.BaseAddress() };
    }

    public string Name => "local";

    public string Wiring => "the local host's event bus: each rule's matches on a durable SQLite queue named after the rule, delivered by its worker, dead letters beside it";

    public HttpClient Publisher { get; }

    public static async Task<IRoutingHost> StartAsync(RoutingScenario scenario)
    {
        var directory = Directory.CreateTempSubdirectory("portable-routing-").FullName;
        var host = LocalHost.Build(scenario.App, new LocalHostOptions { Port = 0, DataDirectory = directory }, l => l.SetMinimumLevel(LogLevel.Critical));
        await host.StartAsync();
        return new LocalRoutingHost(directory, host);
    }

    public async Task SettleAsync(Func<bool> until, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (!until())
        {
            await Task.Delay(50, deadline.Token);
        }

        // The retried delivery is acknowledged after its handler returned: wait until no rule's queue holds a message.
        foreach (var rule in Rules)
        {
            while ((await JsonAsync($"/_local/queues/{rule}")).GetProperty("messages").GetInt64() > 0)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }

    public async Task<IReadOnlyList<string>> DeadLettersAsync()
    {
        var letters = new List<string>();
        foreach (var rule in Rules)
        {
            foreach (var letter in (await JsonAsync($"/_local/queues/{rule}/dead-letters")).GetProperty("deadLetters").EnumerateArray())
            {
                var reference = TryRef(letter.GetProperty("body").GetString()!);
                letters.Add($"{reference}:{rule}: {letter.GetProperty("reason").GetString()}");
            }
        }

        return [.. letters.Order(StringComparer.Ordinal)];
    }

    public async Task<string> DeliverMalformedAsync()
    {
        // The host's HTTP endpoints refuse a malformed event before it is queued, so it goes onto the rule's queue in
        // the host's SQLite file directly, as a message no bus would write.
        var queue = new SqliteMessageQueue(new LocalHostOptions { DataDirectory = _dataDirectory }.DatabasePath, TimeProvider.System);
        await queue.PublishAsync(RoutingScenario.ChargePaymentRule, new OutgoingMessage(Encoding.UTF8.GetBytes("""{"detail-type": "inventory.reserved"}""")));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var letters = (await JsonAsync($"/_local/queues/{RoutingScenario.ChargePaymentRule}/dead-letters")).GetProperty("deadLetters").EnumerateArray().ToList();
            if (letters.Count > 0)
            {
                // Only the reason's first words: the parser's message is the host's own wording.
                return $"dead-lettered: {string.Join(' ', letters[^1].GetProperty("reason").GetString()!.Split(' ').Take(4))}";
            }

            await Task.Delay(50, deadline.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Publisher.Dispose();
        await _host.StopAsync();
        await _host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    private static IEnumerable<string> Rules => [RoutingScenario.BigOrderAuditRule, RoutingScenario.ChargePaymentRule, RoutingScenario.NotifyShippingRule];

    private static string TryRef(string body)
    {
        try
        {
            return PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(body)).Detail.GetProperty("ref").GetString() ?? "?";
        }
        catch (FormatException)
        {
            return "malformed";
        }
    }

    private async Task<JsonElement> JsonAsync(string path) =>
        JsonDocument.Parse(await Publisher.GetStringAsync(new Uri(path, UriKind.Relative))).RootElement.Clone();
}
