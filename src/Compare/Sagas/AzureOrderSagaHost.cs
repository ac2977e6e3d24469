using Portable.Compare.Apps;
using Portable.Core.Patterns.Orders;

namespace Portable.Compare.Sagas;

/// <summary>
/// The order saga as an Azure Functions app (<see cref="AzureAppUnderTest"/>): the real Portable.Azure isolated
/// worker under the Functions host emulator, one worker serving both APIs through the host's front door and the
/// coordinator as a <c>queueTrigger</c> on the Storage queue <c>order-saga</c>. The worker publishes every step
/// request to the account's queue (Azurite) and the host's listener takes it from there; state is in Table Storage on
/// the same account, which payments are read from. No <c>PORTABLE_SAGA_RUNNER</c>: the coordinator, not Durable,
/// runs the saga.
/// </summary>
public sealed class AzureOrderSagaHost : IOrderSagaHost
{
    private readonly AzureAppUnderTest _app;
    private readonly int _batchSize;

    private AzureOrderSagaHost(AzureAppUnderTest app, int batchSize)
    {
        _app = app;
        _batchSize = batchSize;
    }

    /// <inheritdoc />
    public string Name => "azure";

    /// <inheritdoc />
    public string Wiring => $"one isolated worker under the Functions host emulator, the coordinator's queueTrigger on the Storage queue {OrderSaga.Queue} (Azurite, {_batchSize} messages at once), state in Table Storage";

    /// <inheritdoc />
    public HttpClient Inventory => _app.Client;

    /// <inheritdoc />
    public HttpClient Orders => _app.Client;

    /// <inheritdoc />
    public string Output => _app.Output;

    /// <summary>Starts Azurite, then the app with <paramref name="batchSize"/> queue messages processed at once, then the host's queue listener.</summary>
    /// <param name="batchSize">Queue messages processed at once.</param>
    /// <param name="cancellationToken">Stops waiting for Azurite.</param>
    public static async Task<IOrderSagaHost> StartAsync(int batchSize, CancellationToken cancellationToken = default) =>
        new AzureOrderSagaHost(await AzureAppUnderTest.StartAsync("orders", batchSize, cancellationToken: cancellationToken), batchSize);

    /// <inheritdoc />
    public Task PublishStepAsync(string request) => _app.PublishAsync(OrderSaga.Queue, request);

    /// <inheritdoc />
    public Task<bool> IsQueueIdleAsync() => _app.IsQueueIdleAsync(OrderSaga.Queue);

    /// <inheritdoc />
    public Task<int> DeadLetterCountAsync() => _app.DeadLetterCountAsync(OrderSaga.Queue);

    /// <inheritdoc />
    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(_app.Store).GetAsync(orderId, CancellationToken.None);

    /// <inheritdoc />
    public void ThrowIfBroken() => _app.ThrowIfBroken();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
