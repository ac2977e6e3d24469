using Portable.Compare.Apps;
using Portable.Core.Patterns.Orders;

namespace Portable.Compare.Sagas;

/// <summary>
/// The order saga on AWS as three Lambda functions, each its own bootstrap process on its own Runtime API emulator
/// (<see cref="AwsAppUnderTest"/>): <c>inventory-api</c> and <c>orders-api</c> behind API Gateway HTTP API (v2)
/// emulators, and <c>order-saga-coordinator</c> mapped to the SQS queue <c>order-saga</c> (polled in the background,
/// one bootstrap per poller). <c>orders-api</c> publishes each order's first step request and the coordinator every
/// next one to that queue over the SQS JSON protocol (<c>AWS_ENDPOINT_URL_SQS</c>); all three share state only
/// through one DynamoDB table on dynalite, which payments are read from.
/// </summary>
public sealed class AwsOrderSagaHost : IOrderSagaHost
{
    private readonly AwsAppUnderTest _app;

    private AwsOrderSagaHost(AwsAppUnderTest app)
    {
        _app = app;
        Inventory = app.CreateClient(InventoryApi.FunctionName);
        Orders = app.CreateClient(OrdersApi.FunctionName);
    }

    /// <inheritdoc />
    public string Name => "aws";

    /// <inheritdoc />
    public string Wiring => $"inventory-api and orders-api behind API Gateway (HTTP API v2), order-saga-coordinator on SQS {OrderSaga.Queue} ({_app.Queue.Functions.Count} execution environments, batches of {_app.Queue.Sqs.Options.BatchSize}), one DynamoDB table on dynalite";

    /// <inheritdoc />
    public HttpClient Inventory { get; }

    /// <inheritdoc />
    public HttpClient Orders { get; }

    /// <inheritdoc />
    public string Output => _app.Output;

    /// <summary>Starts dynalite, the coordinator with <paramref name="environments"/> execution environments, then both APIs.</summary>
    /// <param name="environments">The coordinator's execution environments: batches in flight at once.</param>
    /// <param name="cancellationToken">Stops waiting for dynalite.</param>
    public static async Task<IOrderSagaHost> StartAsync(int environments, CancellationToken cancellationToken = default) =>
        new AwsOrderSagaHost(await AwsAppUnderTest.StartAsync(
            "PortableOrders", OrderSaga.CoordinatorFunctionName, OrderSaga.Queue, environments, [InventoryApi.FunctionName, OrdersApi.FunctionName], cancellationToken: cancellationToken));

    /// <inheritdoc />
    public Task PublishStepAsync(string request)
    {
        _app.Queue.Sqs.Send(request);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> IsQueueIdleAsync() => Task.FromResult(_app.IsQueueIdle);

    /// <inheritdoc />
    public Task<int> DeadLetterCountAsync() => Task.FromResult(_app.Queue.Sqs.DeadLetters.Count);

    /// <inheritdoc />
    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(_app.Store).GetAsync(orderId, CancellationToken.None);

    /// <inheritdoc />
    public void ThrowIfBroken() => _app.ThrowIfBroken();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Inventory.Dispose();
        Orders.Dispose();
        await _app.DisposeAsync();
    }
}
