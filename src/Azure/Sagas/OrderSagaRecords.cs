using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Azure.Sagas;

/// <summary>
/// The order saga's records: the stored orders of <c>orders-api</c> (<see cref="OrdersApi.Collection"/>). An order's
/// saga starts from its stored <see cref="OrderRecord.Saga"/> with the order (<see cref="OrderSagaInput"/>) as input,
/// and its final state is written back into the order with a conditional write.
/// </summary>
/// <param name="store">The state store holding the orders.</param>
/// <param name="time">The clock of <see cref="OrderRecord.UpdatedAt"/> when the state has no step yet.</param>
public sealed class OrderSagaRecords(IStateStore store, TimeProvider time) : ISagaRecords
{
    // Only the orchestration writes an order's saga state once the order is recorded; a lost race is a retry, not a conflict.
    private const int MaxRounds = 100;

    /// <summary>The order saga on the Durable runner: <see cref="OrderSaga.Definition"/>, <see cref="OrderSaga.Handlers"/> and these records.</summary>
    public static DurableSaga Saga { get; } = new(
        OrderSaga.Definition,
        sp => OrderSaga.Handlers(new OrderSteps(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<IPaymentService>()), sp.GetRequiredService<IStateStore>()),
        sp => new OrderSagaRecords(sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<TimeProvider>()));

    /// <inheritdoc />
    public async ValueTask<SagaRecord?> LoadAsync(string sagaId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sagaId);
        var entry = await store.GetAsync(OrdersApi.Collection, sagaId, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        var order = JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.OrderRecord)!;
        return new SagaRecord(order.Saga, JsonSerializer.SerializeToUtf8Bytes(OrderSagaInput.From(order), OrdersJsonContext.Default.OrderSagaInput));
    }

    /// <inheritdoc />
    public async ValueTask SaveAsync(SagaState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        for (var round = 0; round < MaxRounds; round++)
        {
            var entry = await store.GetAsync(OrdersApi.Collection, state.SagaId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Order '{state.SagaId}' is not stored.");
            var order = JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.OrderRecord)!;
            var updatedAt = state.Steps.Count > 0 ? state.Steps[^1].At : time.GetUtcNow();
            var next = order with { Saga = state, UpdatedAt = updatedAt };
            var written = await store.ReplaceAsync(OrdersApi.Collection, state.SagaId, JsonSerializer.SerializeToUtf8Bytes(next, OrdersJsonContext.Default.OrderRecord), entry.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (written.Succeeded)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Order '{state.SagaId}' kept changing under the saga's write-back ({MaxRounds} rounds).");
    }
}
