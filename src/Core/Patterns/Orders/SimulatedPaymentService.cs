using System.Text.Json;
using Portable.Core.Resilience;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// The payment service the local host serves by default, kept in the state store, with deterministic cards so every
/// saga path can be walked: <see cref="DeclinedCard"/> is declined, <see cref="TimeoutCard"/> times out on every
/// attempt; any other card is charged. Each charge and refund takes effect once per idempotency key.
/// </summary>
public sealed class SimulatedPaymentService(IStateStore store) : IPaymentService
{
    /// <summary>The state-store collection holding one <see cref="PaymentRecord"/> per order.</summary>
    public const string Collection = "simulated-payments";

    /// <summary>A card the service declines.</summary>
    public const string DeclinedCard = "4000000000000002";

    /// <summary>A card for which the service never answers in time.</summary>
    public const string TimeoutCard = "4000000000009995";

    /// <inheritdoc />
    public async ValueTask<PaymentResult> ChargeAsync(string orderId, decimal amount, string card, string idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card == TimeoutCard)
        {
            throw new TransientException("The payment service did not answer in time.");
        }

        if (card == DeclinedCard)
        {
            return PaymentResult.Refused("card declined");
        }

        await ConditionalUpdate.UpdateAsync(store, Collection, orderId, OrdersJsonContext.Default.PaymentRecord, current =>
        {
            var record = current ?? PaymentRecord.None;
            return record.AppliedKeys.Contains(idempotencyKey) ? null : record with { Charged = record.Charged + amount, AppliedKeys = [.. record.AppliedKeys, idempotencyKey] };
        }, cancellationToken).ConfigureAwait(false);
        return PaymentResult.Done;
    }

    /// <inheritdoc />
    public async ValueTask<PaymentResult> RefundAsync(string orderId, string idempotencyKey, CancellationToken cancellationToken)
    {
        await ConditionalUpdate.UpdateAsync(store, Collection, orderId, OrdersJsonContext.Default.PaymentRecord, current =>
            current is null || current.AppliedKeys.Contains(idempotencyKey) || current.Refunded >= current.Charged
                ? null
                : current with { Refunded = current.Charged, AppliedKeys = [.. current.AppliedKeys, idempotencyKey] },
            cancellationToken).ConfigureAwait(false);
        return PaymentResult.Done;
    }

    /// <inheritdoc />
    public async ValueTask<PaymentRecord> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        var entry = await store.GetAsync(Collection, orderId, cancellationToken).ConfigureAwait(false);
        return entry is null ? PaymentRecord.None : JsonSerializer.Deserialize(entry.Value.Span, OrdersJsonContext.Default.PaymentRecord)!;
    }
}
