using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;

namespace Portable.Core.Patterns.Choreography;

/// <summary>
/// The order saga as a choreography: the same definition, handlers, API and state as the orchestrated one
/// (<see cref="OrderSaga"/>), with no orchestrator. Each handler is an event function (<c>orders-{handler}</c>, its
/// rule of the same name) reacting to one event on the bus and publishing the next:
/// <code>
/// order.placed → reserve-inventory → inventory.reserved → charge-payment → payment.charged → create-shipment
///   → shipment.created → notify-customer → customer.notified + order.completed
/// payment.declined + inventory.release-requested → release-inventory → inventory.released + order.compensated
/// shipment.failed + payment.refund-requested → refund-payment → payment.refunded + inventory.release-requested → …
/// </code>
/// A notification failing after the pivot is retried and never compensated (<c>customer.notification-failed</c> +
/// <c>order.completed</c>). Selected with <see cref="ModeVariable"/> = <see cref="Choreographed"/>; the app's manifest
/// must then declare the functions (<see cref="AddOrderChoreography"/>).
/// </summary>
public static class OrderChoreography
{
    /// <summary>The setting that picks how orders are run: <see cref="Orchestrated"/> (the default) or <see cref="Choreographed"/>.</summary>
    public const string ModeVariable = "PORTABLE_ORDERS_SAGA";

    /// <summary>Orders run by the host's orchestrator or Portable's coordinator (the default).</summary>
    public const string Orchestrated = "orchestrated";

    /// <summary>Orders run by the event functions of <see cref="AddOrderChoreography"/>, over the host's event bus.</summary>
    public const string Choreographed = "choreographed";

    /// <summary>The source of every order event.</summary>
    public const string Source = "portable.orders";

    /// <summary>The detail field holding the order id.</summary>
    public const string IdField = "orderId";

    /// <summary>An order was placed: reserve-inventory's trigger.</summary>
    public const string OrderPlaced = "order.placed";

    /// <summary>The units are held: charge-payment's trigger.</summary>
    public const string InventoryReserved = "inventory.reserved";

    /// <summary>The units could not be held.</summary>
    public const string InventoryReservationFailed = "inventory.reservation-failed";

    /// <summary>The card was charged: create-shipment's trigger.</summary>
    public const string PaymentCharged = "payment.charged";

    /// <summary>The charge was refused or never answered.</summary>
    public const string PaymentDeclined = "payment.declined";

    /// <summary>The shipment is booked: notify-customer's trigger.</summary>
    public const string ShipmentCreated = "shipment.created";

    /// <summary>The shipment could not be booked.</summary>
    public const string ShipmentFailed = "shipment.failed";

    /// <summary>The customer was told.</summary>
    public const string CustomerNotified = "customer.notified";

    /// <summary>The customer could not be told (after every attempt); the order still completes.</summary>
    public const string CustomerNotificationFailed = "customer.notification-failed";

    /// <summary>Give the units back: release-inventory's trigger.</summary>
    public const string InventoryReleaseRequested = "inventory.release-requested";

    /// <summary>The units were given back.</summary>
    public const string InventoryReleased = "inventory.released";

    /// <summary>The units could not be given back.</summary>
    public const string InventoryReleaseFailed = "inventory.release-failed";

    /// <summary>Refund the charge: refund-payment's trigger.</summary>
    public const string PaymentRefundRequested = "payment.refund-requested";

    /// <summary>The charge was refunded.</summary>
    public const string PaymentRefunded = "payment.refunded";

    /// <summary>The refund failed.</summary>
    public const string PaymentRefundFailed = "payment.refund-failed";

    /// <summary>Cancel the shipment: cancel-shipment's trigger.</summary>
    public const string ShipmentCancelRequested = "shipment.cancel-requested";

    /// <summary>The shipment was cancelled.</summary>
    public const string ShipmentCancelled = "shipment.cancelled";

    /// <summary>The shipment could not be cancelled.</summary>
    public const string ShipmentCancelFailed = "shipment.cancel-failed";

    /// <summary>The order ended completed.</summary>
    public const string OrderCompleted = "order.completed";

    /// <summary>The order ended compensated.</summary>
    public const string OrderCompensated = "order.compensated";

    /// <summary>A compensation failed: the order needs attention.</summary>
    public const string OrderFailed = "order.failed";

    /// <summary>The handlers in the order their functions are declared: the steps, then the compensations.</summary>
    public static IReadOnlyList<string> Handlers { get; } =
    [
        OrderSaga.ReserveInventory, OrderSaga.ChargePayment, OrderSaga.CreateShipment, OrderSaga.NotifyCustomer,
        OrderSaga.ReleaseInventory, OrderSaga.RefundPayment, OrderSaga.CancelShipment,
    ];

    /// <summary>The order saga's events.</summary>
    public static SagaEventMap Events { get; } = new(
        OrderSaga.Definition,
        Source,
        IdField,
        new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OrderSaga.ReserveInventory] = OrderPlaced,
            [OrderSaga.ChargePayment] = InventoryReserved,
            [OrderSaga.CreateShipment] = PaymentCharged,
            [OrderSaga.NotifyCustomer] = ShipmentCreated,
            [OrderSaga.ReleaseInventory] = InventoryReleaseRequested,
            [OrderSaga.RefundPayment] = PaymentRefundRequested,
            [OrderSaga.CancelShipment] = ShipmentCancelRequested,
        },
        new Dictionary<string, (string, string)>(StringComparer.Ordinal)
        {
            [OrderSaga.ReserveInventory] = (InventoryReserved, InventoryReservationFailed),
            [OrderSaga.ChargePayment] = (PaymentCharged, PaymentDeclined),
            [OrderSaga.CreateShipment] = (ShipmentCreated, ShipmentFailed),
            [OrderSaga.NotifyCustomer] = (CustomerNotified, CustomerNotificationFailed),
            [OrderSaga.ReleaseInventory] = (InventoryReleased, InventoryReleaseFailed),
            [OrderSaga.RefundPayment] = (PaymentRefunded, PaymentRefundFailed),
            [OrderSaga.CancelShipment] = (ShipmentCancelled, ShipmentCancelFailed),
        },
        new Dictionary<SagaStatus, string>
        {
            [SagaStatus.Completed] = OrderCompleted,
            [SagaStatus.Compensated] = OrderCompensated,
            [SagaStatus.Failed] = OrderFailed,
        });

    /// <summary>The event function (and rule) running <paramref name="handler"/>: <c>orders-{handler}</c>.</summary>
    public static string FunctionName(string handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(handler);
        return $"orders-{handler}";
    }

    /// <summary>
    /// Declares the choreography's seven event functions, <c>orders-reserve-inventory</c> … <c>orders-cancel-shipment</c>,
    /// each with its rule (<see cref="SagaEventMap.PatternOf"/>), keyed for idempotency by order id and event type, and
    /// with the timeout one delivery needs to run its step's every attempt (<see cref="SagaChoreography.DeliveryTimeout"/>).
    /// Their handlers come from the <see cref="SagaChoreography"/> that <c>AddOrders</c> registers.
    /// </summary>
    public static FunctionManifestBuilder AddOrderChoreography(this FunctionManifestBuilder manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        foreach (var handler in Handlers)
        {
            manifest.AddEventFunction(
                FunctionName(handler),
                FunctionName(handler),
                Events.PatternOf(handler),
                services => services.GetRequiredKeyedService<SagaChoreography>(OrderSaga.Definition.Name).HandlerFor(handler),
                new EventTriggerOptions
                {
                    IdempotencyKey = static e => SagaChoreography.IdempotencyKey(e, IdField),
                    Timeout = SagaChoreography.DeliveryTimeout(OrderSaga.Definition, handler),
                });
        }

        return manifest;
    }
}
