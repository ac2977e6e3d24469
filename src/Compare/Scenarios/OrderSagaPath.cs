using Portable.Core.Patterns.Orders;

namespace Portable.Compare.Scenarios;

/// <summary>
/// One path through the order saga's rules (issue 10) as <see cref="OrderSagaScenario"/> drives it: the order's inputs
/// and what every host must end it with — status, reason, step history (<c>step:phase:outcome:attempts</c>) and what
/// the payment service and the stock saw.
/// </summary>
/// <param name="Id">The path's part of the scenario id (<c>saga-orchestrated-{Id}</c>).</param>
/// <param name="Title">A few words for the heading.</param>
/// <param name="Description">What happens on the path.</param>
/// <param name="Customer">The order's customer.</param>
/// <param name="Card">The card the simulated payment service is asked to charge.</param>
/// <param name="Country">The shipping country.</param>
/// <param name="Status">The status every order of the path ends with.</param>
/// <param name="Reason">The reason it ends with, or null.</param>
/// <param name="Steps">The steps it runs, in order.</param>
/// <param name="Charged">Whether the order's total is charged (once).</param>
/// <param name="Refunded">Whether that charge is refunded (once).</param>
/// <param name="Duplicate">Whether the first step (or the first event) is delivered a second time, as at-least-once delivery may.</param>
public sealed record OrderSagaPath(
    string Id,
    string Title,
    string Description,
    string Customer,
    string Card,
    string Country,
    string Status,
    string? Reason,
    IReadOnlyList<string> Steps,
    bool Charged,
    bool Refunded,
    bool Duplicate)
{
    /// <summary>A card the simulated payment service charges.</summary>
    public const string GoodCard = "4242424242424242";

    private static readonly string[] Completed = ["reserve-inventory:do:succeeded:1", "charge-payment:do:succeeded:1", "create-shipment:do:succeeded:1", "notify-customer:do:succeeded:1"];

    /// <summary>Every step succeeds: reserved, charged, shipped, notified.</summary>
    public static OrderSagaPath Success { get; } = new(
        "success", "success", "Every step succeeds: the stock is reserved, the card charged, the shipment created, the customer notified.",
        "ada", GoodCard, "GB", "completed", null, Completed, Charged: true, Refunded: false, Duplicate: false);

    /// <summary>The shipment, the last step before the pivot, fails: the charge is refunded and the stock released.</summary>
    public static OrderSagaPath Compensated { get; } = new(
        "compensated", "shipment fails, compensated",
        "No carrier serves the country: create-shipment, the last step before the pivot, fails, so the charge is refunded and the stock released, in reverse order.",
        "ada", GoodCard, OrderSteps.UnshippableCountry, "compensated", "create-shipment: shipment refused: no carrier serves XX",
        ["reserve-inventory:do:succeeded:1", "charge-payment:do:succeeded:1", "create-shipment:do:failed:1", "refund-payment:undo:succeeded:1", "release-inventory:undo:succeeded:1"],
        Charged: true, Refunded: true, Duplicate: false);

    /// <summary>The card is declined: nothing is charged, the stock is released.</summary>
    public static OrderSagaPath Declined { get; } = new(
        "declined", "payment declined, inventory released",
        "The card is declined (a permanent failure, not retried): nothing was charged, so only the reserved stock is released.",
        "ada", SimulatedPaymentService.DeclinedCard, "GB", "compensated", "charge-payment: payment refused: card declined",
        ["reserve-inventory:do:succeeded:1", "charge-payment:do:failed:1", "release-inventory:undo:succeeded:1"],
        Charged: false, Refunded: false, Duplicate: false);

    /// <summary>A success whose first step request (or <c>order.placed</c> event) is delivered twice.</summary>
    public static OrderSagaPath DuplicateDelivery { get; } = new(
        "duplicate", "first step delivered twice",
        "A success whose first step request (choreographed: its order.placed event) is put on the queue (bus) a second time as soon as the order is placed; the copy must change nothing.",
        "ada", GoodCard, "GB", "completed", null, Completed, Charged: true, Refunded: false, Duplicate: true);

    /// <summary>Every path, in the report's order.</summary>
    public static IReadOnlyList<OrderSagaPath> All { get; } = [Success, Compensated, Declined, DuplicateDelivery];
}
