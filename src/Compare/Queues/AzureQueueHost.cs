using System.Globalization;
using Azure;
using Azure.Storage.Queues;
using Microsoft.Extensions.Time.Testing;
using Portable.Compare.Engines;
using Portable.Compare.Hosts;
using Portable.Core.Messaging;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;

namespace Portable.Compare.Queues;

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
public sealed class AzureQueueHost : IQueueHostUnderTest, IQueueDeliveryCounts
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

    /// <inheritdoc />
    public DeliveryProfile Profile => _host.Queues.Profile;

    /// <inheritdoc />
    public string DeadLetterDestination => Queue + EmulatedStorageQueues.PoisonSuffix + " (Storage queue in AzureWebJobsStorage)";

    /// <inheritdoc />
    public string ReadsVia => "GET /accounts/{account} through the Functions host's front door (one worker process serves both functions; state in Table Storage on Azurite where the handler wires it from AzureWebJobsStorage, else in the process)";

    /// <summary>Starts Azurite and then a normal and a fault-injected app that share it, at once.</summary>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    public static async Task<QueueHostPair> StartPairAsync(CancellationToken cancellationToken = default)
    {
        var azurite = new AzuriteEngine();
        try
        {
            await azurite.StartAsync(cancellationToken);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }

        // The handler opens its storage account at start (Table Storage state), so Azurite must be listening first.
        var host = StartAsync(azurite.ConnectionString, "ledgerhost", QueueHostOptions.Default, cancellationToken);
        var faulty = StartAsync(azurite.ConnectionString, "ledgerfaulty", QueueHostOptions.Default with { TransientFaultRate = 1.0 }, cancellationToken);
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

        return new QueueHostPair(host.Result, faulty.Result, azurite);
    }

    /// <summary>Starts Azurite and one app keeping its state in Table Storage there.</summary>
    /// <param name="options">How the app is started.</param>
    public static Task<StartedQueueHost> StartWithAzuriteAsync(QueueHostOptions options) => StartWithAzuriteAsync(options, CancellationToken.None);

    /// <summary>Starts Azurite and one app keeping its state in Table Storage there.</summary>
    /// <param name="options">How the app is started.</param>
    /// <param name="cancellationToken">Stops the start; what was started is stopped.</param>
    public static async Task<StartedQueueHost> StartWithAzuriteAsync(QueueHostOptions options, CancellationToken cancellationToken)
    {
        var azurite = new AzuriteEngine();
        try
        {
            await azurite.StartAsync(cancellationToken);
            var host = await StartAsync(azurite.ConnectionString, "ledgerdrill", options, cancellationToken);
            return new StartedQueueHost(host, azurite);
        }
        catch
        {
            await azurite.DisposeAsync();
            throw;
        }
    }

    private static async Task<IQueueHostUnderTest> StartAsync(string storage, string table, QueueHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
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
        }, cancellationToken);
        return new AzureQueueHost(time, host, storage, options);
    }

    /// <inheritdoc />
    public Task<string> SendAsync(string body, string? messageId = null, CancellationToken cancellationToken = default)
    {
        var id = _host.Queues.Enqueue(Queue, body);
        _sent[id] = body;
        return Task.FromResult(id);
    }

    /// <inheritdoc />
    public async Task<DrainResult> DrainAsync(CancellationToken cancellationToken = default)
    {
        var invocations = 0;
        var advanced = TimeSpan.Zero;
        for (var round = 0; round < _options.MaxDrainRounds; round++)
        {
            invocations += (await _host.Queues.DeliverVisibleAsync(cancellationToken)).Count;
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

    /// <inheritdoc />
    public async Task<IReadOnlyList<ObservedDeadLetter>> DeadLettersAsync(CancellationToken cancellationToken = default)
    {
        // The handler's reasons, from the worker's logs of its invocations.
        var reasons = AzureFunctionsApp.DeadLetteredByHandler(_host.Logs);

        var letters = new List<ObservedDeadLetter>();
        var bodies = new HashSet<string>(_sent.Values, StringComparer.Ordinal);
        foreach (var text in await PoisonTextsAsync(cancellationToken))
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

    /// <inheritdoc />
    public Task<LedgerAccount?> AccountAsync(string account, IReadOnlyList<string> paymentIds, CancellationToken cancellationToken = default) =>
        LedgerAccounts.ReadAsync(_client, account, cancellationToken);

    /// <inheritdoc />
    public int DeliveriesOf(string transportId) => _host.Queues.Deliveries.Count(d => d.MessageId == transportId);

    /// <inheritdoc />
    public DeliveryCounts Counts()
    {
        var deliveries = _host.Queues.Deliveries.Where(d => d.Queue == Queue).ToList();
        return new DeliveryCounts(deliveries.Count, deliveries.Count, _host.Queues.DuplicatedCount, deliveries.Count(d => d.Outcome != QueueDeliveryOutcome.Completed && !d.AcknowledgementDropped));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private async Task<IReadOnlyList<string>> PoisonTextsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var peeked = await _poison.PeekMessagesAsync(maxMessages: 32, cancellationToken);
            return [.. peeked.Value.Select(m => m.Body.ToString())];
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return []; // nothing was ever dead-lettered: the queue was never created
        }
    }
}
