using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// Runs an order's saga to its end inside the call that starts it, saving the order after every step with a
/// conditional write. For tests and single-process use; the hosts' coordinators and orchestrators replace it.
/// </summary>
public sealed class InProcessOrderSaga : ISagaStarter
{
    private readonly OrderSagaRepository _repository;
    private readonly SagaRunner _runner;

    /// <summary>Creates the runner over <paramref name="store"/> and <paramref name="payments"/>.</summary>
    /// <param name="store">Holds orders, stock, shipments and step receipts.</param>
    /// <param name="payments">The payment service.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="wait">Waits out a retry's backoff (see <see cref="SagaRunner"/>).</param>
    public InProcessOrderSaga(IStateStore store, IPaymentService payments, TimeProvider timeProvider, Func<TimeSpan, CancellationToken, Task>? wait = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _repository = new OrderSagaRepository(store, timeProvider);
        _runner = new SagaRunner(OrderSaga.Definition, OrderSaga.Handlers(new OrderSteps(store, payments), store), timeProvider, wait);
    }

    /// <inheritdoc />
    public async ValueTask StartAsync(string sagaId, CancellationToken cancellationToken)
    {
        var instance = await _repository.LoadAsync(sagaId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Order '{sagaId}' is not stored.");
        await _runner.RunAsync(instance.State, instance.Input, async (state, ct) =>
            instance = await _repository.TrySaveAsync(instance, state, ct).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Order '{sagaId}' was changed by another runner."), cancellationToken).ConfigureAwait(false);
    }
}
