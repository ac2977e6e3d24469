using Azure;
using Azure.Storage.Queues;
using Portable.Conformance.Queues;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.Compare.Hosts;
using Portable.SampleApp;

namespace Portable.Conformance.SampleApp;

/// <summary>
/// The sample as an Azure Functions app: its own build output (the sample is built with the Worker SDK, as a user's
/// app is), started by the isolated Functions host emulator as a .NET isolated worker with
/// <c>PORTABLE_SAMPLE_HOST=azure</c>. <c>tally-api</c> answers through the host's front door; <c>tally-counter</c>
/// takes one message per invocation from the host's emulated Storage queue <c>tallies</c>. As in a deployed app
/// <c>AzureWebJobsStorage</c> is set (Azurite), so the handler dead-letters a permanent failure itself into
/// <c>tallies-poison</c> and logs why (an <c>RpcLog</c> with the invocation id); what the host's own rule poisons is
/// read from the emulator's.
/// </summary>
internal sealed class AzureSampleHost : ISampleHostUnderTest
{
    private readonly AzuriteFixture _azurite;
    private readonly IsolatedFunctionsHost _host;
    private readonly QueueClient _poison;
    private readonly Dictionary<string, string> _sent = new(StringComparer.Ordinal); // message id -> body

    private AzureSampleHost(AzuriteFixture azurite, IsolatedFunctionsHost host)
    {
        _azurite = azurite;
        _host = host;
        _poison = new QueueClient(azurite.ConnectionString, TallyApp.Queue + EmulatedStorageQueues.PoisonSuffix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        Client = host.CreateClient();
        Client.Timeout = HostDefaults.RequestTimeout;
    }

    public HttpClient Client { get; }

    public string DeadLetterPath => $"Storage queue {TallyApp.Queue}{EmulatedStorageQueues.PoisonSuffix}";

    public string Output => $"{_host.WorkerOutput}\n{string.Join('\n', _host.Logs)}";

    public static async Task<ISampleHostUnderTest> StartAsync()
    {
        var azurite = new AzuriteFixture();
        try
        {
            await azurite.InitializeAsync();
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["PORTABLE_SAMPLE_HOST"] = "azure",
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["PORTABLE_TABLES_TABLE"] = "tallies",
            };
            var host = await AzureFunctionsApp.StartAsync(AzureFunctionsApp.Options(settings, HostBuilds.SampleAppFolder));
            return new AzureSampleHost(azurite, host);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    public Task SendAsync(string body) => DeliverAsync(Enqueue(body));

    public async Task SendDeliveredTwiceAsync(string body)
    {
        // Storage queues deliver at least once: the handler's 2xx is taken but the delete is lost, so it comes back.
        _host.Queues.DropNextAcknowledgements(TallyApp.Queue, 1);
        var id = Enqueue(body);
        await DeliverAsync(id);
        var deliveries = _host.Queues.Deliveries.Where(d => d.MessageId == id).ToList();
        Assert.True(
            deliveries is [{ AcknowledgementDropped: true }, { Outcome: QueueDeliveryOutcome.Completed, DequeueCount: 2 }],
            $"Message {id} was to be delivered twice: {string.Join(", ", deliveries)}\n{Output}");
    }

    public async Task<IReadOnlyList<SampleDeadLetter>> DeadLettersAsync()
    {
        var reasons = AzureFunctionsApp.DeadLetteredByHandler(_host.Logs, TallyApp.CounterFunction);
        var letters = new List<SampleDeadLetter>();
        foreach (var text in await PoisonTextsAsync())
        {
            var id = _sent.Where(s => s.Value == text && reasons.ContainsKey(s.Key)).Select(s => s.Key).FirstOrDefault();
            letters.Add(new SampleDeadLetter(text, id is null ? "(no dead-letter log from the worker)" : reasons[id]));
        }

        // What the host's own rule moved after maxDequeueCount failed dequeues (no reason travels with it).
        letters.AddRange(_host.Queues.PoisonMessages(TallyApp.Queue).Select(m => new SampleDeadLetter(m.Text, "(poisoned by the host after failed dequeues)")));
        return letters;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    private string Enqueue(string body)
    {
        var id = _host.Queues.Enqueue(TallyApp.Queue, body);
        _sent[id] = body;
        return id;
    }

    /// <summary>Delivers what is visible until <paramref name="id"/> has left the queue (completed or poisoned).</summary>
    private Task DeliverAsync(string id) => Eventually.UntilAsync(
        $"azure: message {id} settled",
        async () =>
        {
            await _host.Queues.DeliverVisibleAsync();
            return _host.Queues.Messages(TallyApp.Queue).All(m => m.Id != id);
        },
        () => Output);

    private async Task<IReadOnlyList<string>> PoisonTextsAsync()
    {
        try
        {
            return [.. (await _poison.PeekMessagesAsync(maxMessages: 32)).Value.Select(m => m.Body.ToString())];
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // nothing was ever dead-lettered: the queue was never created
        }
    }
}
