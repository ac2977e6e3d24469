using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Messaging;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.Compare.Hosts;

namespace Portable.Conformance.Queues;

/// <summary>
/// An Azure Functions app with a <c>queueTrigger</c> on <c>payments</c> (<see cref="AzureFunctionsApp"/>): the real
/// Portable.Azure isolated worker, from its build output, under the isolated Functions host emulator (gRPC), one
/// message per invocation from the emulator's in-memory Storage queue on a fake clock. As in a deployed app,
/// <c>AzureWebJobsStorage</c> is set (Azurite here), so the handler dead-letters a permanent failure itself into
/// <c>payments-poison</c>, completes the invocation and logs the reason (an <c>RpcLog</c> with the invocation id); a
/// transient failure fails the invocation, so the host redelivers, and messages the host's own rule poisons
/// (5 failed dequeues) land in the emulator's poison queue and are read from there. One worker process serves the
/// queue function and <c>accounts-api</c>, so balances come from the host's front door.
/// </summary>
internal sealed class AzureQueueHost : IQueueHostUnderTest, IQueueDeliveryCounts
{
    private const string Queue = "payments";

    private readonly FakeTimeProvider _time;
    private readonly IsolatedFunctionsHost _host;
    private readonly QueueClient _poison;
    private readonly HttpClient _client;
    private readonly Dictionary<string, string> _sent = new(StringComparer.Ordinal); // transport id -> body
    private readonly QueueHostOptions _options;

    private AzureQueueHost(FakeTimeProvider time, IsolatedFunctionsHost host, string storage, QueueHostOptions options)
    {
        _options = options;
        _time = time;
        _host = host;
        _poison = new QueueClient(storage, Queue + EmulatedStorageQueues.PoisonSuffix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        _client = host.CreateClient();
        _client.Timeout = TimeSpan.FromSeconds(30);
    }

    public DeliveryProfile Profile => _host.Queues.Profile;

    public string ReadsVia => "GET /accounts/{account} through the Functions host's front door (one worker process serves both functions; state in Table Storage on Azurite where the handler wires it from AzureWebJobsStorage, else in the process)";

    /// <summary>Starts Azurite and, while it loads, a normal and a fault-injected app that share it.</summary>
    public static async Task<QueueHostPair> StartPairAsync()
    {
        var azurite = new AzuriteFixture();
        try
        {
            await azurite.InitializeAsync();
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        // The handler opens its storage account at start (Table Storage state), so Azurite must be listening first.
        var host = StartAsync(azurite.ConnectionString, "ledgerhost", QueueHostOptions.Default);
        var faulty = StartAsync(azurite.ConnectionString, "ledgerfaulty", QueueHostOptions.Default with { TransientFaultRate = 1.0 });
        try
        {
            await Task.WhenAll(host, faulty);
        }
        catch
        {
            foreach (var started in new[] { host, faulty })
            {
                await Task.WhenAny(started);
                if (started.IsCompletedSuccessfully)
                {
                    await started.Result.DisposeAsync();
                }
            }

            await azurite.DisposeAsync();
            throw;
        }

        return new QueueHostPair(host.Result, faulty.Result, new AsyncDisposable(azurite.DisposeAsync));
    }

    /// <summary>Starts Azurite and one app keeping its state in Table Storage there.</summary>
    public static async Task<StartedQueueHost> StartWithAzuriteAsync(QueueHostOptions options)
    {
        var azurite = new AzuriteFixture();
        try
        {
            await azurite.InitializeAsync();
            var host = await StartAsync(azurite.ConnectionString, "ledgerdrill", options);
            return new StartedQueueHost(host, new AsyncDisposable(azurite.DisposeAsync));
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    private static async Task<IQueueHostUnderTest> StartAsync(string storage, string table, QueueHostOptions options)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
        // Each instance keeps its state in a table of its own, where the handler keeps state in Table Storage.
        var environment = new Dictionary<string, string>(StringComparer.Ordinal) { ["AzureWebJobsStorage"] = storage, ["PORTABLE_TABLES_TABLE"] = table };
        if (options.TransientFaultRate is { } rate)
        {
            environment["PORTABLE_FAULTS_TRANSIENT_RATE"] = rate.ToString(CultureInfo.InvariantCulture);
        }

        var host = await AzureFunctionsApp.StartAsync(AzureFunctionsApp.Options(environment) with
        {
            TimeProvider = time,
            QueueProfile = DeliveryProfile.AzureStorageQueue,
            QueueBatchSize = options.Concurrency,
            QueueDuplicateDeliveryRate = options.DuplicateDeliveryRate,
            QueueRandomSeed = options.RandomSeed,
        });
        return new AzureQueueHost(time, host, storage, options);
    }

    public Task<string> SendAsync(string body, string? messageId = null)
    {
        var id = _host.Queues.Enqueue(Queue, body);
        _sent[id] = body;
        return Task.FromResult(id);
    }

    public async Task<DrainResult> DrainAsync()
    {
        var invocations = 0;
        var advanced = TimeSpan.Zero;
        for (var round = 0; round < _options.MaxDrainRounds; round++)
        {
            invocations += (await _host.Queues.DeliverVisibleAsync()).Count;
            var left = _host.Queues.Messages(Queue);
            if (left.Count == 0)
            {
                return new DrainResult(invocations, advanced);
            }

            var due = left.Min(m => m.NextVisibleTime);
            if (due > _time.GetUtcNow())
            {
                advanced += due - _time.GetUtcNow();
                _time.Advance(due - _time.GetUtcNow());
            }
        }

        throw new InvalidOperationException($"The queue still held {_host.Queues.Messages(Queue).Count} message(s) after {_options.MaxDrainRounds} rounds. Worker output:\n{_host.WorkerOutput}\nWorker logs:\n{string.Join('\n', _host.Logs)}");
    }

    public async Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync()
    {
        // The handler's reasons, from the worker's logs of its invocations.
        var reasons = AzureFunctionsApp.DeadLetteredByHandler(_host.Logs);

        var letters = new List<ObservedDeadLetter>();
        var bodies = new HashSet<string>(_sent.Values, StringComparer.Ordinal);
        foreach (var text in await PoisonTextsAsync())
        {
            if (!bodies.Contains(text))
            {
                continue; // written by the other instance sharing this storage account
            }

            var id = _sent.Where(s => s.Value == text && reasons.ContainsKey(s.Key)).Select(s => s.Key).FirstOrDefault();
            letters.Add(id is null
                ? new ObservedDeadLetter(text, "(in payments-poison with no dead-letter log from the worker)", null)
                : new ObservedDeadLetter(text, reasons[id], DeliveriesOf(id)));
        }

        // What the host's own rule moved after maxDequeueCount failed dequeues (no reason travels with it).
        foreach (var message in _host.Queues.PoisonMessages(Queue))
        {
            letters.Add(new ObservedDeadLetter(message.Text, $"(poisoned by the host after {Profile.MaxDeliveries} failed dequeues)", Profile.MaxDeliveries));
        }

        return letters;
    }

    public Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds) => LedgerAccounts.ReadAsync(_client, account);

    public int DeliveriesOf(string transportId) => _host.Queues.Deliveries.Count(d => d.MessageId == transportId);

    public DeliveryCounts Counts()
    {
        var deliveries = _host.Queues.Deliveries.Where(d => d.Queue == Queue).ToList();
        return new DeliveryCounts(deliveries.Count, deliveries.Count, _host.Queues.DuplicatedCount, deliveries.Count(d => d.Outcome != QueueDeliveryOutcome.Completed && !d.AcknowledgementDropped));
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<IReadOnlyList<string>> PoisonTextsAsync()
    {
        try
        {
            var peeked = await _poison.PeekMessagesAsync(maxMessages: 32);
            return [.. peeked.Value.Select(m => m.Body.ToString())];
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // nothing was ever dead-lettered: the queue was never created
        }
    }
}

/// <summary>Something to dispose, given as a delegate.</summary>
internal sealed class AsyncDisposable(Func<Task> dispose) : IAsyncDisposable
{
    public async ValueTask DisposeAsync() => await dispose();
}
