using System.Text.Json;
using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>The order saga's instances: each one's state lives in its order document, written over with the document's ETag.</summary>
public sealed class OrderSagaRepository(IStateStore store, TimeProvider timeProvider) : ISagaRepository
{
    /// <inheritdoc />
    public async ValueTask<SagaInstance?> LoadAsync(string sagaId, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(OrdersApi.Collection, sagaId, cancellationToken).ConfigureAwait(false);
        if (entry is null)
        {
            return null;
        }

        var order = JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.OrderRecord)!;
        return new SagaInstance(order.Saga, JsonSerializer.SerializeToUtf8Bytes(OrderSagaInput.From(order), OrdersJsonContext.Default.OrderSagaInput), entry.ETag) { Document = entry.Value };
    }

    /// <inheritdoc />
    public async ValueTask<SagaInstance?> TrySaveAsync(SagaInstance instance, SagaState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(state);
        var document = instance.Document;
        if (document.IsEmpty)
        {
            // An instance made elsewhere than LoadAsync: read the order it belongs to, at the version it was made from.
            var entry = await store.GetAsync(OrdersApi.Collection, state.SagaId, cancellationToken).ConfigureAwait(false);
            if (entry is null || entry.ETag != instance.ETag)
            {
                return null;
            }

            document = entry.Value;
        }

        // The rest of the order never changes after it is placed, so the loaded copy is the stored one at ETag: the
        // conditional write fails if anything wrote in between.
        var order = JsonSerializer.Deserialize(document.Span, OrdersJsonContext.Default.OrderRecord)! with { Saga = state, UpdatedAt = timeProvider.GetUtcNow() };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(order, OrdersJsonContext.Default.OrderRecord);
        var written = await store.ReplaceAsync(OrdersApi.Collection, state.SagaId, bytes, instance.ETag, cancellationToken: cancellationToken).ConfigureAwait(false);
        return written.Succeeded ? instance with { State = state, ETag = written.ETag!, Document = bytes } : null;
    }
}
