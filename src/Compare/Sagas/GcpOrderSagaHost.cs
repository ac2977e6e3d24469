using Portable.Compare.Apps;
using Portable.Core.Patterns.Orders;
using Portable.Compare.Hosts;

namespace Portable.Compare.Sagas;

/// <summary>
/// The order saga on Google Cloud as one Cloud Run service (<see cref="GcpAppUnderTest"/>) serving both APIs and,
/// through a Pub/Sub push subscription on the topic <c>order-saga</c>, the coordinator at
/// <c>/order-saga-coordinator</c>. The service publishes every step request to that topic through
/// <c>PUBSUB_EMULATOR_HOST</c>, as it would to Pub/Sub, and keeps its state in PostgreSQL (as Cloud SQL), which
/// payments are read from.
/// </summary>
public sealed class GcpOrderSagaHost : IOrderSagaHost
{
    private readonly GcpAppUnderTest _app;
    private readonly int _pushes;

    private GcpOrderSagaHost(GcpAppUnderTest app, int pushes)
    {
        _app = app;
        _pushes = pushes;
    }

    /// <inheritdoc />
    public string Name => "gcp";

    /// <inheritdoc />
    public string Wiring => $"one Cloud Run service, Pub/Sub push of {OrderSaga.Queue} to /{OrderSaga.CoordinatorFunctionName} ({_app.Host.PubSub.SubscriptionName}, up to {_pushes} pushes in flight), state in PostgreSQL";

    /// <inheritdoc />
    public HttpClient Inventory => _app.Client;

    /// <inheritdoc />
    public HttpClient Orders => _app.Client;

    /// <inheritdoc />
    public string Output => _app.Output;

    /// <summary>Starts PostgreSQL, then the service and its push subscription with <paramref name="pushes"/> pushes in flight at most.</summary>
    /// <param name="pushes">Pushes in flight at most.</param>
    /// <param name="cancellationToken">Stops waiting for PostgreSQL.</param>
    public static async Task<IOrderSagaHost> StartAsync(int pushes, CancellationToken cancellationToken = default) =>
        new GcpOrderSagaHost(await GcpAppUnderTest.StartAsync(OrderSaga.Queue, OrderSaga.CoordinatorFunctionName, pushes, cancellationToken: cancellationToken), pushes);

    /// <inheritdoc />
    public Task PublishStepAsync(string request)
    {
        _app.Publish(request);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> IsQueueIdleAsync() => Task.FromResult(_app.IsQueueIdle);

    /// <inheritdoc />
    public Task<int> DeadLetterCountAsync() => Task.FromResult(_app.DeadLetterCount);

    /// <inheritdoc />
    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(_app.Store).GetAsync(orderId, CancellationToken.None);

    /// <inheritdoc />
    public void ThrowIfBroken() => _app.ThrowIfBroken();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
