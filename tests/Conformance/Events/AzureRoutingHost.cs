using System.Text.Json;
using System.Text.RegularExpressions;
using Azure.Storage.Queues;
using Portable.Azure.Events;
using Portable.Core.Events;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.Compare.Hosts;
using Portable.TestKit;

namespace Portable.Conformance.Events;

/// <summary>
/// Azure, as <c>Azure.Tests</c>' Storage queue routing test wires it: tests/AzureEventsApp (the routing scenario as an
/// isolated worker app, with <c>GET /attempts</c> reporting what its handlers did in the worker process) under the
/// Functions host emulator, its storage account in Azurite, the host's queue listener running in the background.
/// <c>POST /publish</c> puts each envelope on the Storage queue <c>portable-events</c>; the router (a queue trigger
/// there) forwards it to <c>events-{rule}</c> of each matching rule, each event function a queue trigger on its rule's
/// queue. A failure is retried by the host (the message comes back, dequeue count 2); a poison event goes to
/// <c>events-{rule}-poison</c>, the reason logged by the worker. Queued: a malformed event is a message on a rule queue
/// that is no event, and must be dead-lettered.
/// </summary>
internal sealed partial class AzureRoutingHost : IRoutingHost
{
    private readonly RoutingScenario _scenario;
    private readonly AzuriteFixture _azurite;
    private readonly IsolatedFunctionsHost _host;
    private readonly StorageQueueListener _listener;
    private readonly List<string> _rules;

    private AzureRoutingHost(RoutingScenario scenario, AzuriteFixture azurite, IsolatedFunctionsHost host, StorageQueueListener listener, List<string> rules)
    {
        _scenario = scenario;
        _azurite = azurite;
        _host = host;
        _listener = listener;
        _rules = rules;
        Publisher = host.CreateClient();
        Publisher.Timeout = HostDefaults.RequestTimeout;
    }

    public string Name => "azure";

    public string Wiring => $"the isolated worker under the Functions host emulator publishing to the Storage queue {EventQueues.RouterQueue} (Azurite), {EventQueues.RouterFunctionName} forwarding to {EventQueues.RuleQueuePrefix}{{rule}}, each event function its queueTrigger (host retries, dead letters to {EventQueues.RuleQueuePrefix}{{rule}}-poison)";

    public HttpClient Publisher { get; }

    private static string AppDirectory => Path.GetDirectoryName(RepoPaths.BuildOutput("tests/AzureEventsApp", "worker.config.json"))!;

    public static async Task<IRoutingHost> StartAsync(RoutingScenario scenario)
    {
        var azurite = new AzuriteFixture();
        IsolatedFunctionsHost? host = null;
        try
        {
            await azurite.InitializeAsync();
            host = await AzureFunctionsApp.StartAsync(AzureFunctionsApp.Options(
                new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["AzureWebJobsStorage"] = azurite.ConnectionString,
                    ["PORTABLE_TABLES_TABLE"] = "routing",
                },
                AppDirectory));
            var listener = await StorageQueueListener.StartAsync(host, azurite.ConnectionString);
            var rules = scenario.Manifest.FunctionsOf<EventTrigger>().Select(f => f.Trigger.Rule).ToList();
            return new AzureRoutingHost(scenario, azurite, host, listener, rules);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await azurite.DisposeAsync();
            throw;
        }
    }

    // The handlers run in the worker: mirror what they report until the scenario settles and every queue is idle.
    public async Task SettleAsync(Func<bool> until, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (true)
        {
            _listener.ThrowIfFaulted();
            await MirrorAttemptsAsync(deadline.Token);
            if (until() && await IdleAsync(deadline.Token))
            {
                return;
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    public async Task<IReadOnlyList<string>> DeadLettersAsync()
    {
        var reasons = Reasons();
        var letters = new List<string>();
        foreach (var rule in _rules)
        {
            foreach (var text in await PoisonAsync(EventQueues.OfRule(rule)))
            {
                var @event = PortableEvent.FromEnvelope(System.Text.Encoding.UTF8.GetBytes(text));
                letters.Add($"{@event.Detail.GetProperty("ref").GetString()}:{rule}: {reasons.GetValueOrDefault(@event.Id, "(no reason logged)")}");
            }

            letters.AddRange(_host.Queues.PoisonMessages(EventQueues.OfRule(rule)).Select(m => $"host-poisoned:{rule}: {m.Text}"));
        }

        return [.. letters.Order(StringComparer.Ordinal)];
    }

    public async Task<string> DeliverMalformedAsync()
    {
        // What reaches a rule queue that is no event: JSON without an event's fields.
        var queue = EventQueues.OfRule(RoutingScenario.ChargePaymentRule);
        var before = (await PoisonAsync(queue)).Count;
        await Queue(queue).SendMessageAsync("""{"detail-type": "inventory.reserved"}""");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await PoisonAsync(queue)).Count == before || !await IdleAsync(deadline.Token))
        {
            _listener.ThrowIfFaulted();
            await Task.Delay(100, deadline.Token);
        }

        await MirrorAttemptsAsync(deadline.Token);
        var logged = _host.Logs.LastOrDefault(l => l.Message.Contains("is not an event and was moved to its poison queue", StringComparison.Ordinal));
        var delivery = _host.Queues.Deliveries.Last(d => d.Queue == queue);
        return $"dead-lettered: {(logged is null ? "(no reason logged)" : logged.Message)} (dequeue {delivery.DequeueCount}, {delivery.Outcome})";
    }

    public async ValueTask DisposeAsync()
    {
        Publisher.Dispose();
        await _listener.DisposeAsync();
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private QueueClient Queue(string name) => new(_azurite.ConnectionString, name, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    private async Task<IReadOnlyList<string>> PoisonAsync(string queue)
    {
        var poison = Queue(queue + EmulatedStorageQueues.PoisonSuffix);
        if (!await poison.ExistsAsync())
        {
            return [];
        }

        return [.. (await poison.PeekMessagesAsync(maxMessages: 32)).Value.Select(m => m.Body.ToString())];
    }

    private async Task<bool> IdleAsync(CancellationToken cancellationToken)
    {
        foreach (var queue in _host.Queues.TriggeredQueues)
        {
            if (!await _listener.IsIdleAsync(queue, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    private async Task MirrorAttemptsAsync(CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await Publisher.GetStringAsync(new Uri("/attempts", UriKind.Relative), cancellationToken));
        _scenario.ReplaceAttempts(document.RootElement.EnumerateArray().Select(a => new RoutingAttempt(
            a.GetProperty("function").GetString()!, a.GetProperty("ref").GetString()!, a.GetProperty("eventId").GetString()!,
            a.GetProperty("deliveryCount").GetInt32(), a.GetProperty("outcome").GetString()!)));
    }

    // The reason of each event a handler dead-lettered, by event id, from the worker's logs (Core's event invoker logs it).
    private Dictionary<string, string> Reasons()
    {
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var log in _host.Logs)
        {
            if (DeadLettered().Match(log.Message) is { Success: true } match)
            {
                reasons[match.Groups["id"].Value] = match.Groups["reason"].Value;
            }
        }

        return reasons;
    }

    [GeneratedRegex(@"^Event (?<id>\S+) dead-lettered by (?<function>\S+): (?<reason>.*)$", RegexOptions.Singleline)]
    private static partial Regex DeadLettered();
}
