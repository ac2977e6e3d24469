using Portable.Conformance.Hosts;
using Portable.Core.Patterns.Orders;
using Portable.Compare.Hosts;

namespace Portable.Conformance.Sagas;

/// <summary>
/// The order saga on Google Cloud as one Cloud Run service (<see cref="GcpAppUnderTest"/>) serving both APIs and,
/// through a Pub/Sub push subscription on the topic <c>order-saga</c>, the coordinator at
/// <c>/order-saga-coordinator</c>. The service publishes every step request to that topic through
/// <c>PUBSUB_EMULATOR_HOST</c>, as it would to Pub/Sub, and keeps its state in PostgreSQL (as Cloud SQL), which
/// payments are read from.
/// </summary>
internal sealed class GcpOrderSagaHost : IOrderSagaHost
{
    private readonly GcpAppUnderTest _app;
    private readonly int _pushes;

    private GcpOrderSagaHost(GcpAppUnderTest app, int pushes)
    {
        _app = app;
        _pushes = pushes;
    }

    public string Name => "gcp";

    public string Wiring => $"one Cloud Run service, Pub/Sub push of {OrderSaga.Queue} to /{OrderSaga.CoordinatorFunctionName} ({_app.Host.PubSub.SubscriptionName}, up to {_pushes} pushes in flight), state in PostgreSQL";

    public HttpClient Inventory => _app.Client;

    public HttpClient Orders => _app.Client;

    public string Output => _app.Output;

    /// <summary>Starts PostgreSQL, then the service and its push subscription with <paramref name="pushes"/> pushes in flight at most.</summary>
    public static async Task<IOrderSagaHost> StartAsync(int pushes) =>
        new GcpOrderSagaHost(await GcpAppUnderTest.StartAsync(OrderSaga.Queue, OrderSaga.CoordinatorFunctionName, pushes), pushes);

    public Task PublishStepAsync(string request)
    {
        _app.Publish(request);
        return Task.CompletedTask;
    }

    public Task<bool> IsQueueIdleAsync() => Task.FromResult(_app.IsQueueIdle);

    public Task<int> DeadLetterCountAsync() => Task.FromResult(_app.DeadLetterCount);

    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(_app.Store).GetAsync(orderId, CancellationToken.None);

    public void ThrowIfBroken() => _app.ThrowIfBroken();

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
