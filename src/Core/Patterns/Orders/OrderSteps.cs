using System.Text.Json;
using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// The order saga's handlers over the state store and the payment service. Each one's effect is keyed by the order id
/// (the order's hold in a stock document, the payment's idempotency key, the shipment document), so a repeated
/// delivery changes nothing; <see cref="OrderSaga.Handlers"/> also wraps each in <see cref="IdempotentSagaStep"/>.
/// </summary>
public sealed class OrderSteps(IStateStore store, IPaymentService payments)
{
    /// <summary>The state-store collection of stock documents, keyed by SKU.</summary>
    public const string InventoryCollection = "inventory";

    /// <summary>The state-store collection of simulated shipments, keyed by order id.</summary>
    public const string ShipmentsCollection = "shipments";

    /// <summary>The state-store collection of sent notifications, keyed by order id.</summary>
    public const string NotificationsCollection = "notifications";

    /// <summary>A shipping country the simulated carrier refuses.</summary>
    public const string UnshippableCountry = "XX";

    /// <summary>A customer the simulated notifier cannot reach.</summary>
    public const string UnreachableCustomer = "notify-fails";

    /// <summary>reserve-inventory: holds each line's units with a conditional decrement; out of stock when any line cannot be held (nothing is then held).</summary>
    public async ValueTask<SagaStepResult> ReserveInventoryAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        var order = Read(context);
        var held = new List<string>();
        foreach (var (sku, quantity) in Quantities(order))
        {
            var outOfStock = false;
            await ConditionalUpdate.UpdateAsync(store, InventoryCollection, sku, OrdersJsonContext.Default.StockRecord, stock =>
            {
                outOfStock = false;
                if (stock is not null && stock.Holds.ContainsKey(order.Id))
                {
                    return null;
                }

                if (stock is null || stock.Available < quantity)
                {
                    outOfStock = true;
                    return null;
                }

                return stock with
                {
                    Available = stock.Available - quantity,
                    Reserved = stock.Reserved + quantity,
                    Holds = new Dictionary<string, int>(stock.Holds, StringComparer.Ordinal) { [order.Id] = quantity },
                };
            }, cancellationToken).ConfigureAwait(false);

            if (outOfStock)
            {
                foreach (var heldSku in held)
                {
                    await ReleaseAsync(heldSku, order.Id, cancellationToken).ConfigureAwait(false);
                }

                return SagaStepResult.Failed($"out of stock: {sku}");
            }

            held.Add(sku);
        }

        return SagaStepResult.Succeeded();
    }

    /// <summary>release-inventory: gives back each line's hold (a hold already given back is skipped).</summary>
    public async ValueTask<SagaStepResult> ReleaseInventoryAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        var order = Read(context);
        foreach (var (sku, _) in Quantities(order))
        {
            await ReleaseAsync(sku, order.Id, cancellationToken).ConfigureAwait(false);
        }

        return SagaStepResult.Succeeded();
    }

    /// <summary>charge-payment: charges the total under the key <c>{order}/charge-payment</c>; a declined card fails for good.</summary>
    public async ValueTask<SagaStepResult> ChargePaymentAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        var order = Read(context);
        var result = await payments.ChargeAsync(order.Id, order.Total, order.Card, $"{order.Id}/{OrderSaga.ChargePayment}", cancellationToken).ConfigureAwait(false);
        return result.Accepted ? SagaStepResult.Succeeded() : SagaStepResult.Failed($"payment refused: {result.Reason}");
    }

    /// <summary>refund-payment: refunds the charge under the key <c>{order}/refund-payment</c>.</summary>
    public async ValueTask<SagaStepResult> RefundPaymentAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        var order = Read(context);
        var result = await payments.RefundAsync(order.Id, $"{order.Id}/{OrderSaga.RefundPayment}", cancellationToken).ConfigureAwait(false);
        return result.Accepted ? SagaStepResult.Succeeded() : SagaStepResult.Failed($"refund refused: {result.Reason}");
    }

    /// <summary>create-shipment: books the shipment; the country <see cref="UnshippableCountry"/> fails for good.</summary>
    public async ValueTask<SagaStepResult> CreateShipmentAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        var order = Read(context);
        if (order.ShippingCountry == UnshippableCountry)
        {
            return SagaStepResult.Failed($"shipment refused: no carrier serves {UnshippableCountry}");
        }

        await ConditionalUpdate.UpdateAsync(store, ShipmentsCollection, order.Id, OrdersJsonContext.Default.ShipmentRecord,
            current => current is null ? new ShipmentRecord(order.Id, order.ShippingCountry, Cancelled: false) : null, cancellationToken).ConfigureAwait(false);
        return SagaStepResult.Succeeded();
    }

    /// <summary>cancel-shipment: cancels the shipment if there is one.</summary>
    public async ValueTask<SagaStepResult> CancelShipmentAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        var order = Read(context);
        await ConditionalUpdate.UpdateAsync(store, ShipmentsCollection, order.Id, OrdersJsonContext.Default.ShipmentRecord,
            current => current is { Cancelled: false } ? current with { Cancelled = true } : null, cancellationToken).ConfigureAwait(false);
        return SagaStepResult.Succeeded();
    }

    /// <summary>notify-customer: records the notification; the customer <see cref="UnreachableCustomer"/> cannot be reached (transient, so it is retried).</summary>
    public async ValueTask<SagaStepResult> NotifyCustomerAsync(SagaStepContext context, CancellationToken cancellationToken)
    {
        var order = Read(context);
        if (order.Customer == UnreachableCustomer)
        {
            return SagaStepResult.Transient($"customer {UnreachableCustomer} could not be reached");
        }

        await store.PutAsync(NotificationsCollection, order.Id, JsonSerializer.SerializeToUtf8Bytes(order, OrdersJsonContext.Default.OrderSagaInput), cancellationToken: cancellationToken).ConfigureAwait(false);
        return SagaStepResult.Succeeded();
    }

    private ValueTask<StockRecord?> ReleaseAsync(string sku, string orderId, CancellationToken cancellationToken) =>
        ConditionalUpdate.UpdateAsync(store, InventoryCollection, sku, OrdersJsonContext.Default.StockRecord, stock =>
        {
            if (stock is null || !stock.Holds.TryGetValue(orderId, out var quantity))
            {
                return null;
            }

            var holds = new Dictionary<string, int>(stock.Holds, StringComparer.Ordinal);
            holds.Remove(orderId);
            return stock with { Available = stock.Available + quantity, Reserved = stock.Reserved - quantity, Holds = holds };
        }, cancellationToken);

    // Lines naming the same SKU are one hold; SKUs in ordinal order so that two orders always lock in the same order.
    private static IEnumerable<(string Sku, int Quantity)> Quantities(OrderSagaInput order) =>
        order.Items.GroupBy(l => l.Sku, StringComparer.Ordinal).Select(g => (g.Key, g.Sum(l => l.Quantity))).OrderBy(p => p.Key, StringComparer.Ordinal);

    private static OrderSagaInput Read(SagaStepContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return JsonSerializer.Deserialize(context.Input.Span, OrdersJsonContext.Default.OrderSagaInput)
            ?? throw new ArgumentException("The step input is not an order.", nameof(context));
    }
}
