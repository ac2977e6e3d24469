using Azure;
using Azure.Storage.Queues;
using Portable.Azure.Messaging;
using Portable.Azure.State;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Orders;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Engines;
using Portable.HostsUnderTest;

namespace Portable.Conformance.Sagas;

/// <summary>
/// The order saga as an Azure Functions app: the real Portable.Azure isolated worker under the Functions host
/// emulator, one worker serving both APIs through the host's front door and the coordinator as a
/// <c>queueTrigger</c> on the Storage queue <c>order-saga</c>. As in a deployed app <c>AzureWebJobsStorage</c> is a
/// storage account (Azurite): the worker publishes every step request to the account's queue and the host's listener
/// (<see cref="StorageQueueListener"/>) takes it from there; state is in Table Storage on the same account, which
/// payments are read from. No <c>PORTABLE_SAGA_RUNNER</c>: the coordinator, not Durable, runs the saga.
/// </summary>
internal sealed class AzureOrderSagaHost : IOrderSagaHost
{
    private const string Table = "orders";

    private readonly AzuriteFixture _azurite;
    private readonly IsolatedFunctionsHost _host;
    private readonly StorageQueueListener _listener;
    private readonly TableStorageStateStore _store;
    private readonly StorageQueuePublisher _publisher;
    private readonly QueueClient _poison;
    private readonly HttpClient _client;
    private readonly int _batchSize;

    private AzureOrderSagaHost(AzuriteFixture azurite, IsolatedFunctionsHost host, StorageQueueListener listener, TableStorageStateStore store, int batchSize)
    {
        _azurite = azurite;
        _host = host;
        _listener = listener;
        _store = store;
        _batchSize = batchSize;
        _publisher = new StorageQueuePublisher(StorageQueuePublisher.CreateService(azurite.ConnectionString));
        _poison = new QueueClient(azurite.ConnectionString, OrderSaga.Queue + EmulatedStorageQueues.PoisonSuffix, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        _client = host.CreateClient();
        _client.Timeout = HostDefaults.RequestTimeout;
    }

    public string Name => "azure";

    public string Wiring => $"one isolated worker under the Functions host emulator, the coordinator's queueTrigger on the Storage queue {OrderSaga.Queue} (Azurite, {_batchSize} messages at once), state in Table Storage";

    public HttpClient Inventory => _client;

    public HttpClient Orders => _client;

    public string Output => $"{_host.WorkerOutput}\n{string.Join('\n', _host.Logs)}";

    /// <summary>Starts Azurite, then the app with <paramref name="batchSize"/> queue messages processed at once, then the host's queue listener.</summary>
    public static async Task<IOrderSagaHost> StartAsync(int batchSize)
    {
        var azurite = new AzuriteFixture();
        IsolatedFunctionsHost? host = null;
        try
        {
            await azurite.InitializeAsync();
            var settings = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                [TableStorageStateStoreOptions.TableVariable] = Table,
            };
            host = await AzureFunctionsApp.StartAsync(AzureFunctionsApp.Options(settings) with { QueueBatchSize = batchSize });
            var store = await TableStorageStateStoreOptions.CreateAsync(new TableStorageStateStoreOptions(azurite.ConnectionString, Table), TimeProvider.System);
            var listener = await StorageQueueListener.StartAsync(host, azurite.ConnectionString);
            return new AzureOrderSagaHost(azurite, host, listener, store, batchSize);
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

    public async Task PublishStepAsync(string request) =>
        await _publisher.PublishAsync(OrderSaga.Queue, new OutgoingMessage(System.Text.Encoding.UTF8.GetBytes(request)));

    public Task<bool> IsQueueIdleAsync() => _listener.IsIdleAsync(OrderSaga.Queue);

    public async Task<int> DeadLetterCountAsync()
    {
        var byHandler = 0;
        try
        {
            byHandler = (await _poison.PeekMessagesAsync(maxMessages: 32)).Value.Length;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // nothing was ever dead-lettered: the queue was never created
        }

        return byHandler + _host.Queues.PoisonMessages(OrderSaga.Queue).Count;
    }

    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(_store).GetAsync(orderId, CancellationToken.None);

    public void ThrowIfBroken()
    {
        _listener.ThrowIfFaulted();
        if (_host.ExitCode is { } code)
        {
            throw new InvalidOperationException($"The isolated worker exited with code {code}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _listener.DisposeAsync();
        await _host.DisposeAsync();
        await _azurite.DisposeAsync();
    }
}
