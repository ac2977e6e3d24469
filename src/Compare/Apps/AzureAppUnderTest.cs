using Azure;
using Azure.Storage.Queues;
using Portable.Azure.Messaging;
using Portable.Azure.State;
using Portable.Core.Messaging;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Compare.Engines;
using Portable.Compare.Hosts;

namespace Portable.Compare.Apps;

/// <summary>
/// The patterns app as an Azure Functions app: the real Portable.Azure isolated worker under the Functions host
/// emulator, one worker serving every HTTP function through the host's front door and every queue function as a
/// <c>queueTrigger</c> on its Storage queue. As in a deployed app <c>AzureWebJobsStorage</c> is a storage account
/// (Azurite): the worker publishes to the account's queues and the host's listener (<see cref="StorageQueueListener"/>)
/// takes each message from there; state is in Table Storage on the same account. The order saga and the CSV job are
/// both this shape.
/// </summary>
public sealed class AzureAppUnderTest : IAsyncDisposable
{
    private readonly AzuriteEngine _azurite;
    private readonly StorageQueuePublisher _publisher;

    private AzureAppUnderTest(AzuriteEngine azurite, IsolatedFunctionsHost host, StorageQueueListener listener, TableStorageStateStore store)
    {
        _azurite = azurite;
        Host = host;
        Listener = listener;
        Store = store;
        _publisher = new StorageQueuePublisher(StorageQueuePublisher.CreateService(azurite.ConnectionString));
        Client = host.CreateClient();
        Client.Timeout = HostDefaults.RequestTimeout;
    }

    /// <summary>The host emulator and its worker.</summary>
    public IsolatedFunctionsHost Host { get; }

    /// <summary>The host's queue listener over the account.</summary>
    public StorageQueueListener Listener { get; }

    /// <summary>The app's Table Storage state, for the test to read.</summary>
    public TableStorageStateStore Store { get; }

    /// <summary>The storage account's connection string (Azurite), as <c>AzureWebJobsStorage</c> holds it.</summary>
    public string ConnectionString => _azurite.ConnectionString;

    /// <summary>A client on the host's front door.</summary>
    public HttpClient Client { get; }

    /// <summary>The worker's output and every log it sent the host.</summary>
    public string Output => $"{Host.WorkerOutput}\n{string.Join('\n', Host.Logs)}";

    /// <summary>
    /// Starts Azurite, then the app with its state in <paramref name="table"/> and <paramref name="batchSize"/> queue
    /// messages processed at once (the rest of the host's options as <paramref name="configure"/> sets them after
    /// that), then the host's queue listener.
    /// </summary>
    /// <param name="table">The Table Storage table the app keeps its state in.</param>
    /// <param name="batchSize">Queue messages processed at once.</param>
    /// <param name="configure">Changes the host's options.</param>
    /// <param name="cancellationToken">Stops waiting for Azurite.</param>
    public static async Task<AzureAppUnderTest> StartAsync(string table, int batchSize, Func<IsolatedFunctionsHostOptions, IsolatedFunctionsHostOptions>? configure = null, CancellationToken cancellationToken = default)
    {
        var azurite = new AzuriteEngine();
        IsolatedFunctionsHost? host = null;
        try
        {
            await azurite.StartAsync(cancellationToken);
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                [TableStorageStateStoreOptions.TableVariable] = table,
            };
            var options = AzureFunctionsApp.Options(settings) with { QueueBatchSize = batchSize };
            host = await AzureFunctionsApp.StartAsync(configure?.Invoke(options) ?? options, cancellationToken);
            var store = await TableStorageStateStoreOptions.CreateAsync(new TableStorageStateStoreOptions(azurite.ConnectionString, table), TimeProvider.System, cancellationToken);
            var listener = await StorageQueueListener.StartAsync(host, azurite.ConnectionString, cancellationToken);
            return new AzureAppUnderTest(azurite, host, listener, store);
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

    /// <summary>Publishes <paramref name="body"/> to <paramref name="queue"/> in the account, as the worker does.</summary>
    /// <param name="queue">The Storage queue.</param>
    /// <param name="body">The message, as text.</param>
    public async Task PublishAsync(string queue, string body) =>
        await _publisher.PublishAsync(queue, new OutgoingMessage(System.Text.Encoding.UTF8.GetBytes(body)));

    /// <summary>True when <paramref name="queue"/> holds nothing, in the account or in the host (see <see cref="StorageQueueListener.IsIdleAsync"/>).</summary>
    /// <param name="queue">The Storage queue.</param>
    public Task<bool> IsQueueIdleAsync(string queue) => Listener.IsIdleAsync(queue);

    /// <summary>
    /// What was dead-lettered from <paramref name="queue"/>: by the handler (into <c>{queue}-poison</c> in the account,
    /// completing the invocation) and by the host (after five failed dequeues).
    /// </summary>
    /// <param name="queue">The Storage queue.</param>
    public async Task<int> DeadLetterCountAsync(string queue)
    {
        var byHandler = 0;
        try
        {
            var poison = new QueueClient(_azurite.ConnectionString, queue + EmulatedStorageQueues.PoisonSuffix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            byHandler = (await poison.PeekMessagesAsync(maxMessages: 32)).Value.Length;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // nothing was ever dead-lettered: the queue was never created
        }

        return byHandler + Host.Queues.PoisonMessages(queue).Count;
    }

    /// <summary>Throws when the listener stopped on a fault or the worker exited.</summary>
    public void ThrowIfBroken()
    {
        Listener.ThrowIfFaulted();
        if (Host.ExitCode is { } code)
        {
            throw new InvalidOperationException($"The isolated worker exited with code {code}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Listener.DisposeAsync();
        await Host.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
