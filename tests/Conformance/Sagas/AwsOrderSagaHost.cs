using Portable.Aws.State;
using Portable.Conformance.Hosts;
using Portable.Conformance.Queues;
using Portable.Core.Messaging;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Orders;
using Portable.Engines;
using Portable.HostsUnderTest;

namespace Portable.Conformance.Sagas;

/// <summary>
/// The order saga on AWS as three Lambda functions, each its own bootstrap process on its own Runtime API emulator:
/// <c>inventory-api</c> and <c>orders-api</c> behind API Gateway HTTP API (v2) emulators, and
/// <c>order-saga-coordinator</c> mapped to the SQS queue <c>order-saga</c> (<see cref="LambdaSqsHost"/>, polled in the
/// background, one bootstrap per poller). <c>orders-api</c> publishes each order's first step request and the
/// coordinator every next one to that queue over the SQS JSON protocol (<c>AWS_ENDPOINT_URL_SQS</c>); all three share
/// state only through one DynamoDB table on dynalite, which payments are read from.
/// </summary>
internal sealed class AwsOrderSagaHost : IOrderSagaHost
{
    private readonly List<IAsyncDisposable> _owned;
    private readonly LambdaSqsHost _coordinator;
    private readonly LambdaHttpHost _inventory;
    private readonly LambdaHttpHost _orders;
    private readonly DynamoDbStateStore _store;

    private AwsOrderSagaHost(List<IAsyncDisposable> owned, LambdaSqsHost coordinator, LambdaHttpHost inventory, LambdaHttpHost orders, DynamoDbStateStore store)
    {
        _owned = owned;
        _coordinator = coordinator;
        _inventory = inventory;
        _orders = orders;
        _store = store;
        Inventory = inventory.CreateClient(HostDefaults.RequestTimeout);
        Orders = orders.CreateClient(HostDefaults.RequestTimeout);
    }

    public string Name => "aws";

    public string Wiring => $"inventory-api and orders-api behind API Gateway (HTTP API v2), order-saga-coordinator on SQS {OrderSaga.Queue} ({_coordinator.Functions.Count} execution environments, batches of {_coordinator.Sqs.Options.BatchSize}), one DynamoDB table on dynalite";

    public HttpClient Inventory { get; }

    public HttpClient Orders { get; }

    public string Output => $"inventory-api:\n{_inventory.Function.Output}\norders-api:\n{_orders.Function.Output}\norder-saga-coordinator:\n{_coordinator.Output}";

    /// <summary>Starts dynalite, the coordinator with <paramref name="environments"/> execution environments, then both APIs.</summary>
    public static async Task<IOrderSagaHost> StartAsync(int environments)
    {
        var owned = new List<IAsyncDisposable>();
        try
        {
            var dynalite = new DynaliteFixture();
            owned.Add(new AsyncDisposable(dynalite.DisposeAsync));
            await dynalite.InitializeAsync();
            const string table = "PortableOrders";
            var storage = await DynamoDbOnDynalite.CreateTableAsync(dynalite, table);

            var batchSize = PatternsApp.Manifest.Find<QueueTrigger>(OrderSaga.CoordinatorFunctionName)!.Value.Trigger.Options.BatchSize;
            var coordinator = await LambdaSqsHost.StartAsync(
                o => o with { BatchSize = batchSize, MaxConcurrentPolls = environments },
                environments,
                storage,
                handler: OrderSaga.CoordinatorFunctionName,
                queue: OrderSaga.Queue);
            owned.Add(coordinator);

            var inventory = LambdaHttpHost.StartAsync(InventoryApi.FunctionName, environment: storage);
            var orders = LambdaHttpHost.StartAsync(OrdersApi.FunctionName, environment: new Dictionary<string, string?>(storage, StringComparer.Ordinal)
            {
                ["AWS_ENDPOINT_URL_SQS"] = coordinator.Sqs.ServiceUrl.ToString(),
            });
            try
            {
                await Task.WhenAll(inventory, orders);
            }
            finally
            {
                foreach (var starting in new[] { inventory, orders })
                {
                    await Task.WhenAny(starting);
                    if (starting.IsCompletedSuccessfully)
                    {
                        owned.Add(starting.Result);
                    }
                }
            }

            var store = await DynamoDbStateStoreOptions.CreateAsync(new DynamoDbStateStoreOptions(table, dynalite.ServiceUrl), TimeProvider.System);
            coordinator.StartPolling();
            return new AwsOrderSagaHost(owned, coordinator, inventory.Result, orders.Result, store);
        }
        catch
        {
            await DisposeAllAsync(owned);
            throw;
        }
    }

    public Task PublishStepAsync(string request)
    {
        _coordinator.Sqs.Send(request);
        return Task.CompletedTask;
    }

    public Task<bool> IsQueueIdleAsync() => Task.FromResult(_coordinator.Sqs.Messages().Count == 0); // a message being delivered stays until its batch settles

    public Task<int> DeadLetterCountAsync() => Task.FromResult(_coordinator.Sqs.DeadLetters.Count);

    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(_store).GetAsync(orderId, CancellationToken.None);

    public void ThrowIfBroken()
    {
        _coordinator.Pollers?.ThrowIfFaulted();
        if (_coordinator.Functions.FirstOrDefault(f => f.HasExited) is { } exited)
        {
            throw new InvalidOperationException($"An order-saga-coordinator bootstrap exited with code {exited.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Inventory.Dispose();
        Orders.Dispose();
        await DisposeAllAsync(_owned);
    }

    private static async Task DisposeAllAsync(List<IAsyncDisposable> owned)
    {
        for (var i = owned.Count - 1; i >= 0; i--)
        {
            await owned[i].DisposeAsync();
        }
    }
}
