using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// The order saga, declared once: reserve-inventory → charge-payment → create-shipment (the pivot) → notify-customer,
/// undone by release-inventory, refund-payment and cancel-shipment. Every host's orchestrator follows this definition.
/// </summary>
public static class OrderSaga
{
    /// <summary>The step function orchestrators call to run one handler (a Step Functions Task, a Workflows call).</summary>
    public const string StepFunctionName = "order-saga";

    /// <summary>Portable's queue-driven coordinator of the saga.</summary>
    public const string CoordinatorFunctionName = "order-saga-coordinator";

    /// <summary>The queue the coordinator's step requests travel on.</summary>
    public const string Queue = "order-saga";

    /// <summary>Holds the order's units.</summary>
    public const string ReserveInventory = "reserve-inventory";

    /// <summary>Gives the units back.</summary>
    public const string ReleaseInventory = "release-inventory";

    /// <summary>Charges the card.</summary>
    public const string ChargePayment = "charge-payment";

    /// <summary>Refunds the charge.</summary>
    public const string RefundPayment = "refund-payment";

    /// <summary>Books the shipment: the pivot.</summary>
    public const string CreateShipment = "create-shipment";

    /// <summary>Cancels the shipment.</summary>
    public const string CancelShipment = "cancel-shipment";

    /// <summary>Tells the customer: after the pivot, retried and never compensated.</summary>
    public const string NotifyCustomer = "notify-customer";

    /// <summary>
    /// The definition. Attempts and waits are this app's choice, small enough that a payment timeout settles in
    /// seconds: three attempts for the compensable steps, the waits 1 s then 2 s; four for the notification, the waits 0.5, 1 and 2 s.
    /// </summary>
    public static SagaDefinition Definition { get; } = SagaDefinition.Create("order")
        .Step(ReserveInventory, s => s.CompensateWith(ReleaseInventory).Retry(3, TimeSpan.FromSeconds(1)).Timeout(TimeSpan.FromSeconds(10)))
        .Step(ChargePayment, s => s.CompensateWith(RefundPayment).Retry(3, TimeSpan.FromSeconds(1)).Timeout(TimeSpan.FromSeconds(10)))
        .Pivot(CreateShipment, s => s.CompensateWith(CancelShipment).Retry(3, TimeSpan.FromSeconds(1)).Timeout(TimeSpan.FromSeconds(10)))
        .Step(NotifyCustomer, s => s.Retry(4, TimeSpan.FromMilliseconds(500)).Timeout(TimeSpan.FromSeconds(10)))
        .Build();

    /// <summary>A handler for each name in <see cref="Definition"/>, each made idempotent by (order id, step, phase) with receipts in <paramref name="store"/>.</summary>
    public static IReadOnlyDictionary<string, ISagaStep> Handlers(OrderSteps steps, IStateStore store)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentNullException.ThrowIfNull(store);
        var handlers = new Dictionary<string, Func<SagaStepContext, CancellationToken, ValueTask<SagaStepResult>>>(StringComparer.Ordinal)
        {
            [ReserveInventory] = steps.ReserveInventoryAsync,
            [ReleaseInventory] = steps.ReleaseInventoryAsync,
            [ChargePayment] = steps.ChargePaymentAsync,
            [RefundPayment] = steps.RefundPaymentAsync,
            [CreateShipment] = steps.CreateShipmentAsync,
            [CancelShipment] = steps.CancelShipmentAsync,
            [NotifyCustomer] = steps.NotifyCustomerAsync,
        };
        return handlers.ToDictionary(p => p.Key, p => (ISagaStep)new IdempotentSagaStep(SagaStep.From(p.Value), store), StringComparer.Ordinal);
    }
}
