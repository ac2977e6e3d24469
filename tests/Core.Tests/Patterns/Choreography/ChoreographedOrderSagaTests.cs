using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns.Choreography;

/// <summary>
/// Every path of the order saga run twice on the same inputs — by Portable's coordinator (orchestrated) and by the
/// choreography's event functions over <see cref="FunctionTestHost.EventBus"/> — ends the same: status, reason, step
/// history with attempts, stock, and the money charged and refunded. Each path is also pinned to what the saga's rules
/// say, so the twins cannot agree on a wrong answer.
/// </summary>
public sealed class ChoreographedOrderSagaTests
{
    private const string Completed = "reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:succeeded:1 notify-customer:do:succeeded:1";

    public static TheoryData<string, string, string, string, int, string> Paths => new()
    {
        { "success", "ada", OrderApi.GoodCard, "GB", 2, $"completed; reason none; steps {Completed}; stock 3/2; paid 3.0 refunded 0 in 1 call(s)" },
        { "out-of-stock", "ada", OrderApi.GoodCard, "GB", 6, "compensated; reason reserve-inventory: out of stock: widget; steps reserve-inventory:do:failed:1; stock 5/0; paid 0 refunded 0 in 0 call(s)" },
        {
            "declined", "ada", SimulatedPaymentService.DeclinedCard, "GB", 2,
            "compensated; reason charge-payment: payment refused: card declined; steps reserve-inventory:do:succeeded:1 charge-payment:do:failed:1 release-inventory:undo:succeeded:1; stock 5/0; paid 0 refunded 0 in 0 call(s)"
        },
        {
            "payment-timeout", "ada", SimulatedPaymentService.TimeoutCard, "GB", 2,
            "compensated; reason charge-payment: The payment service did not answer in time. (after 3 attempts); steps reserve-inventory:do:succeeded:1 charge-payment:do:failed:3 release-inventory:undo:succeeded:1; stock 5/0; paid 0 refunded 0 in 0 call(s)"
        },
        {
            "shipment-fails", "ada", OrderApi.GoodCard, OrderSteps.UnshippableCountry, 2,
            "compensated; reason create-shipment: shipment refused: no carrier serves XX; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:failed:1 refund-payment:undo:succeeded:1 release-inventory:undo:succeeded:1; stock 5/0; paid 3.0 refunded 3.0 in 2 call(s)"
        },
        {
            "notify-fails", OrderSteps.UnreachableCustomer, OrderApi.GoodCard, "GB", 2,
            "completed; reason none; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:succeeded:1 notify-customer:do:failed:4; stock 3/2; paid 3.0 refunded 0 in 1 call(s)"
        },
    };

    private static async Task<(OrderEnd End, SagaTwin Twin)> RunAsync(bool choreographed, string customer, string card, string country, int quantity, Func<SagaTwin, string, Task>? during = null, SagaTwin? twin = null)
    {
        twin ??= new SagaTwin(choreographed);
        await twin.Host.StockAsync(5);
        var id = await twin.Host.PlaceAsync(OrderApi.Order(customer, card, country, quantity));
        if (during is not null)
        {
            await during(twin, id);
        }

        await twin.SettleAsync();
        return (await twin.EndAsync(id), twin);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public async Task EveryPath_Choreographed_EndsAsItsOrchestratedTwin(string path, string customer, string card, string country, int quantity, string expected)
    {
        var (orchestrated, a) = await RunAsync(false, customer, card, country, quantity);
        var (choreographed, b) = await RunAsync(true, customer, card, country, quantity);
        await using (a)
        await using (b)
        {
            Assert.Equal(expected, orchestrated.ToString());
            Assert.True(orchestrated == choreographed, $"{path}: orchestrated {orchestrated}\n  choreographed {choreographed}");
            Assert.Empty(b.Host.DeadLetters.Received);
        }
    }

    [Fact]
    public async Task PaymentTransientThenOk_RetriedInTheSameDelivery_CompletesAsItsOrchestratedTwin()
    {
        var (orchestrated, a) = await RunAsync(false, "ada", OrderApi.GoodCard, "GB", 2, twin: new SagaTwin(false, flakyCharge: true));
        var (choreographed, b) = await RunAsync(true, "ada", OrderApi.GoodCard, "GB", 2, twin: new SagaTwin(true, flakyCharge: true));
        await using (a)
        await using (b)
        {
            Assert.Equal("completed; reason none; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:2 create-shipment:do:succeeded:1 notify-customer:do:succeeded:1; stock 3/2; paid 3.0 refunded 0 in 1 call(s)", orchestrated.ToString());
            Assert.Equal(orchestrated, choreographed);
        }
    }

    [Fact]
    public async Task HappyPath_PublishesTheChainOfEvents_OneDeliveryPerFunction()
    {
        await using var twin = new SagaTwin(true);
        await twin.Host.StockAsync(5);
        var id = await twin.Host.PlaceAsync(OrderApi.Order());
        Assert.Equal("pending", (await twin.Host.GetOrderAsync(id)).GetProperty("status").GetString());

        var deliveries = await twin.Host.DeliverPublishedEventsAsync();

        Assert.Equal(
            [OrderChoreography.OrderPlaced, OrderChoreography.InventoryReserved, OrderChoreography.PaymentCharged, OrderChoreography.ShipmentCreated, OrderChoreography.CustomerNotified, OrderChoreography.OrderCompleted],
            twin.Host.EventBus.Published.Select(e => e.DetailType));
        Assert.All(twin.Host.EventBus.Published, e => Assert.Equal((OrderChoreography.Source, id), (e.Source, e.Detail.GetProperty("orderId").GetString())));
        Assert.Equal(4, deliveries); // the four forward functions; nothing listens to customer.notified or order.completed
        Assert.Equal("completed", (await twin.Host.GetOrderAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ShipmentFails_RefundThenRelease_ByTheirOwnRequests()
    {
        await using var twin = new SagaTwin(true);
        await twin.Host.StockAsync(5);
        await twin.Host.PlaceAsync(OrderApi.Order(country: OrderSteps.UnshippableCountry));
        await twin.SettleAsync();

        Assert.Equal(
            [
                OrderChoreography.OrderPlaced, OrderChoreography.InventoryReserved, OrderChoreography.PaymentCharged,
                OrderChoreography.ShipmentFailed, OrderChoreography.PaymentRefundRequested,
                OrderChoreography.PaymentRefunded, OrderChoreography.InventoryReleaseRequested,
                OrderChoreography.InventoryReleased, OrderChoreography.OrderCompensated,
            ],
            twin.Host.EventBus.Published.Select(e => e.DetailType));
        var failed = twin.Host.EventBus.Published.Single(e => e.DetailType == OrderChoreography.ShipmentFailed);
        Assert.Equal("create-shipment", failed.Detail.GetProperty("step").GetString());
        Assert.Equal("shipment refused: no carrier serves XX", failed.Detail.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task DuplicateEvents_RacingAndLate_WithNewIds_ChangeNothing_AsTheOrchestratedDuplicates()
    {
        // Orchestrated twin: the first step request twice at once, then late copies of charge-payment and notify-customer.
        var (orchestrated, a) = await RunAsync(false, "ada", OrderApi.GoodCard, "GB", 2, async (twin, id) =>
            await twin.Host.Services.GetRequiredService<IMessagePublisher>().PublishAsync(OrderSaga.Queue, new OutgoingMessage(
                System.Text.Encoding.UTF8.GetBytes($$"""{"saga":"order","sagaId":"{{id}}","step":"reserve-inventory","phase":"do","attempt":1}"""))));

        // Choreographed: a copy of order.placed with a new id (as EventBridge gives a retried PutEvents entry) races the first.
        var (choreographed, b) = await RunAsync(true, "ada", OrderApi.GoodCard, "GB", 2, async (twin, _) =>
            await twin.Host.EventBus.PublishAsync(twin.Host.EventBus.Published[0] with { Id = "copy-of-placed" }));
        await using (a)
        await using (b)
        {
            Assert.Equal($"completed; reason none; steps {Completed}; stock 3/2; paid 3.0 refunded 0 in 1 call(s)", choreographed.ToString());
            Assert.Equal(orchestrated, choreographed);

            // Late copies of every event a function reacts to, long after the order ended.
            var id = b.Host.EventBus.Published[0].Detail.GetProperty("orderId").GetString()!;
            var before = JsonSerializer.Serialize(await b.Host.GetOrderAsync(id));
            foreach (var e in b.Host.EventBus.Published.Where(e => e.DetailType != OrderChoreography.OrderCompleted).ToList())
            {
                await b.Host.EventBus.PublishAsync(e with { Id = $"late-{e.Id}" });
            }

            await b.SettleAsync();
            Assert.Equal(before, JsonSerializer.Serialize(await b.Host.GetOrderAsync(id)));
            Assert.Equal(choreographed, await b.EndAsync(id));
            Assert.Empty(b.Host.DeadLetters.Received);
        }
    }

    public static TheoryData<string, string, string, string, string> LostEvents => new()
    {
        // Before the pivot: the forward chain broke, so the reconciler compensates what was done.
        {
            OrderChoreography.InventoryReserved, OrderSaga.ChargePayment, OrderApi.GoodCard, "GB",
            "compensated; reason reconciled: running for more than 5 minutes; steps reserve-inventory:do:succeeded:1 release-inventory:undo:succeeded:1; stock 5/0; paid 0 refunded 0 in 0 call(s)"
        },
        {
            OrderChoreography.PaymentCharged, OrderSaga.CreateShipment, OrderApi.GoodCard, "GB",
            "compensated; reason reconciled: running for more than 5 minutes; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 refund-payment:undo:succeeded:1 release-inventory:undo:succeeded:1; stock 5/0; paid 3.0 refunded 3.0 in 2 call(s)"
        },

        // In the compensation: the reconciler resumes it, keeping the original reason.
        {
            OrderChoreography.InventoryReleaseRequested, OrderSaga.ReleaseInventory, SimulatedPaymentService.DeclinedCard, "GB",
            "compensated; reason charge-payment: payment refused: card declined; steps reserve-inventory:do:succeeded:1 charge-payment:do:failed:1 release-inventory:undo:succeeded:1; stock 5/0; paid 0 refunded 0 in 0 call(s)"
        },

        // After the pivot nothing is undone: the order ends completed with what it did.
        {
            OrderChoreography.ShipmentCreated, OrderSaga.NotifyCustomer, OrderApi.GoodCard, "GB",
            "completed; reason none; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:succeeded:1; stock 3/2; paid 3.0 refunded 0 in 1 call(s)"
        },
    };

    [Theory]
    [MemberData(nameof(LostEvents))]
    public async Task LostEvent_CaughtByReconcileOrders_EndsAsItsOrchestratedTwinWhoseRequestWasLost(string lostEvent, string lostStep, string card, string country, string expected)
    {
        await using var a = new SagaTwin(false, loseStep: lostStep);
        await using var b = new SagaTwin(true, loseEvent: lostEvent);
        var ends = new List<OrderEnd>();
        foreach (var twin in new[] { a, b })
        {
            await twin.Host.StockAsync(5);
            var id = await twin.Host.PlaceAsync(OrderApi.Order(card: card, country: country));
            await twin.SettleAsync();
            Assert.Single(twin.Lost);
            Assert.Contains((await twin.Host.GetOrderAsync(id)).GetProperty("status").GetString(), new[] { "running", "compensating" });

            await twin.ReconcileAsync();
            ends.Add(await twin.EndAsync(id));
            Assert.Contains(twin.Host.Logs.WithEventId(6001), l => l.Message.Contains(id, StringComparison.Ordinal));
        }

        Assert.Equal(expected, ends[0].ToString());
        Assert.Equal(ends[0], ends[1]);
    }

    [Fact]
    public async Task EventWithoutAnOrderId_IsNotRoutedToTheSaga_AndOneForAnUnknownOrderIsDeadLettered()
    {
        await using var twin = new SagaTwin(true);
        var noId = Event(OrderChoreography.InventoryReserved, "{}");
        Assert.Empty(await twin.Host.DeliverEventAsync(noId)); // the rule requires detail.orderId

        var unknown = Assert.Single(await twin.Host.DeliverEventAsync(Event(OrderChoreography.InventoryReserved, """{"orderId":"nope"}""")));
        Assert.Equal((OrderChoreography.FunctionName(OrderSaga.ChargePayment), MessageOutcome.DeadLetter), (unknown.Function, unknown.Outcome));
        Assert.Contains("not stored", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishFailsAfterTheStepRecorded_TheRetriedDeliveryPublishesWhatFollows_AndTheStepRunsOnce()
    {
        await using var twin = new SagaTwin(true, failEvent: OrderChoreography.InventoryReserved);
        await twin.Host.StockAsync(5);
        var id = await twin.Host.PlaceAsync(OrderApi.Order());

        await twin.SettleAsync();

        Assert.Equal(["event inventory.reserved refused"], twin.Lost);
        Assert.Equal($"completed; reason none; steps {Completed}; stock 3/2; paid 3.0 refunded 0 in 1 call(s)", (await twin.EndAsync(id)).ToString());
        Assert.Single(twin.Host.EventBus.Published, e => e.DetailType == OrderChoreography.InventoryReserved);
    }

    private static PortableEvent Event(string type, string detail) => new()
    {
        Id = Guid.NewGuid().ToString("n"),
        Source = OrderChoreography.Source,
        DetailType = type,
        Time = TestClock.Start,
        Detail = JsonDocument.Parse(detail).RootElement.Clone(),
    };
}
