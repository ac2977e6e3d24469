using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Orders;
using Portable.Core.Resilience;
using Portable.Core.Sagas;
using Portable.Testing;
using Portable.Testing.Messaging;
using Portable.TestKit;
using static Portable.TestKit.OrderApi;

namespace Portable.Core.Tests.Sagas;

/// <summary>Portable's queue-driven coordinator running the order saga, one step per message, in the kit's host.</summary>
public sealed class SagaCoordinatorTests : IDisposable
{
    private readonly FunctionTestHost _host;
    private readonly List<TimeSpan> _waits = [];
    private Func<string, OutgoingMessage, bool>? _failPublish;

    public SagaCoordinatorTests()
    {
        _host = new FunctionTestHost(
            new FunctionManifestBuilder().AddOrders().Build(),
            services => services
                .AddOrders()
                .AddSingleton<SagaWait>(Wait)
                .AddSingleton<IMessagePublisher>(sp => new FlakyPublisher(this)),
            o => o.DecorateStore = store => new ResilientStateStore(
                _losing = new AnswerLosingStateStore(store, (collection, kind) => _loseAnswer?.Invoke(collection, kind) == true), AnswerLosingStateStore.RetryTransient));
    }

    private AnswerLosingStateStore? _losing;
    private Func<string, string, bool>? _loseAnswer;

    public void Dispose() => _host.Dispose();

    private Task Wait(TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (_waits)
        {
            _waits.Add(delay);
            _host.Clock.Advance(delay);
        }

        return Task.CompletedTask;
    }

    // The kit's publisher, failing the publishes the test chooses (a process dying after its record, before its publish).
    private sealed class FlakyPublisher(SagaCoordinatorTests test) : IMessagePublisher
    {
        public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default) =>
            test._failPublish?.Invoke(destination, message) == true
                ? throw new IOException("killed before the next step was published")
                : test._host.Publisher.PublishAsync(destination, message, cancellationToken);
    }

    private Task<PaymentRecord> PaymentAsync(string id) => _host.Services.GetRequiredService<IPaymentService>().GetAsync(id, default).AsTask();

    [Theory]
    [InlineData("ada", "4242424242424242", "GB", 2, "completed", 3, 0, "reserve-inventory:do:succeeded charge-payment:do:succeeded create-shipment:do:succeeded notify-customer:do:succeeded")]
    [InlineData("ada", "4242424242424242", "GB", 9, "compensated", 0, 0, "reserve-inventory:do:failed")]
    [InlineData("ada", SimulatedPaymentService.DeclinedCard, "GB", 2, "compensated", 0, 0, "reserve-inventory:do:succeeded charge-payment:do:failed release-inventory:undo:succeeded")]
    [InlineData("ada", SimulatedPaymentService.TimeoutCard, "GB", 2, "compensated", 0, 0, "reserve-inventory:do:succeeded charge-payment:do:failed release-inventory:undo:succeeded")]
    [InlineData("ada", "4242424242424242", "XX", 2, "compensated", 3, 3, "reserve-inventory:do:succeeded charge-payment:do:succeeded create-shipment:do:failed refund-payment:undo:succeeded release-inventory:undo:succeeded")]
    [InlineData(OrderSteps.UnreachableCustomer, "4242424242424242", "GB", 2, "completed", 3, 0, "reserve-inventory:do:succeeded charge-payment:do:succeeded create-shipment:do:succeeded notify-customer:do:failed")]
    public async Task Coordinator_EveryPath_EndsAsTheInProcessRunnerDoes(string customer, string card, string country, int quantity, string status, int charged, int refunded, string steps)
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order(customer, card, country, quantity));

        var deliveries = await _host.DeliverPublishedAsync();

        var order = await _host.GetOrderAsync(id);
        Assert.Equal(status, order.GetProperty("status").GetString());
        Assert.Equal(steps.Split(' '), Steps(order));
        Assert.Equal(status == "completed" ? 3 : 5, await _host.AvailableAsync());
        var payment = await PaymentAsync(id);
        Assert.Equal(((decimal)charged, (decimal)refunded), (payment.Charged, payment.Refunded));
        Assert.Equal(0, _host.Publisher.PendingCount);
        Assert.True(deliveries >= order.GetProperty("steps").GetArrayLength(), $"{deliveries} deliveries");
    }

    [Fact]
    public async Task Coordinator_TransientPayment_RetriesAfterThePolicyWaitsOneMessageEach()
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order(card: SimulatedPaymentService.TimeoutCard));

        await _host.DeliverPublishedAsync();

        var charges = _host.Publisher.PublishedTo(OrderSaga.Queue).Select(m => Encoding.UTF8.GetString(m.Body.Span)).Where(b => b.Contains("charge-payment", StringComparison.Ordinal)).ToList();
        Assert.Equal([1, 2, 3], charges.Select(b => JsonDocument.Parse(b).RootElement.GetProperty("attempt").GetInt32()));
        Assert.Equal([1, 2], _waits.Select(w => w.TotalSeconds));
        var charge = (await _host.GetOrderAsync(id)).GetProperty("steps")[1];
        Assert.Equal((3, "failed"), (charge.GetProperty("attempts").GetInt32(), charge.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Coordinator_EveryStepRequestDeliveredTwice_RunsEachStepOnce()
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order(country: "XX"));
        var function = _host.MessageInvoker.FindByQueue(OrderSaga.Queue)!;

        // At-least-once: every request is delivered, then delivered again straight after.
        while (_host.Publisher.PendingCount > 0)
        {
            await _host.DeliverPublishedAsync(maxDeliveries: 1);
            var last = _host.Publisher.PublishedTo(OrderSaga.Queue);
            foreach (var message in last)
            {
                Assert.Equal(MessageOutcome.Success, (await _host.DeliverOneAsync(function.Name, message with { DeliveryCount = 2 })).Outcome);
            }
        }

        var order = await _host.GetOrderAsync(id);
        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal(["reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:failed", "refund-payment:undo:succeeded", "release-inventory:undo:succeeded"], Steps(order));
        Assert.Equal((3m, 3m), ((await PaymentAsync(id)).Charged, (await PaymentAsync(id)).Refunded));
        Assert.Equal(5, await _host.AvailableAsync());
    }

    [Theory]
    [InlineData(OrderSaga.ChargePayment)]
    [InlineData(OrderSaga.CreateShipment)]
    [InlineData(OrderSaga.NotifyCustomer)]
    public async Task Coordinator_KilledAfterRecordingBeforePublishing_RedeliveryPublishesTheNextStep(string lostStep)
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order());
        var failed = false;
        _failPublish = (_, message) => !failed && Encoding.UTF8.GetString(message.Body.Span).Contains($"\"{lostStep}\"", StringComparison.Ordinal) && (failed = true);

        await _host.DeliverPublishedAsync();

        Assert.True(failed);
        var order = await _host.GetOrderAsync(id);
        Assert.Equal("completed", order.GetProperty("status").GetString());
        Assert.Equal(4, order.GetProperty("steps").GetArrayLength());
        Assert.Equal(3m, (await PaymentAsync(id)).Charged);
        Assert.Equal(3, await _host.AvailableAsync());
    }

    [Theory]
    [InlineData(1)] // the status: pending becomes running before the first step runs
    [InlineData(2)] // reserve-inventory's record
    [InlineData(3)] // charge-payment's record
    [InlineData(5)] // notify-customer's record, the last
    public async Task Coordinator_OrderWriteLandsButItsAnswerIsLost_TheSagaStillRunsToTheEndEachStepOnce(int lostReplace)
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order());
        var replaces = 0;
        _loseAnswer = (collection, kind) => collection == OrdersApi.Collection && kind == "replace" && Interlocked.Increment(ref replaces) == lostReplace;

        await _host.DeliverPublishedAsync();

        Assert.Equal(1, _losing!.Lost);
        var order = await _host.GetOrderAsync(id);
        Assert.Equal("completed", order.GetProperty("status").GetString());
        Assert.Equal(["reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:succeeded"], Steps(order));
        Assert.All(order.GetProperty("steps").EnumerateArray(), s => Assert.Equal(1, s.GetProperty("attempts").GetInt32()));
        Assert.Equal((3m, 0m), ((await PaymentAsync(id)).Charged, (await PaymentAsync(id)).Refunded));
        Assert.Equal(3, await _host.AvailableAsync());
        Assert.Equal(0, _host.Publisher.PendingCount);
    }

    [Fact]
    public async Task Coordinator_StaleAndUnknownRequests_AcknowledgedOrDeadLetteredWithoutRunning()
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order());
        await _host.DeliverPublishedAsync();
        var function = _host.MessageInvoker.FindByQueue(OrderSaga.Queue)!.Name;
        var before = (await _host.GetOrderAsync(id)).GetRawText();

        var stale = await _host.DeliverOneAsync(function, MessageBuilder.Json($$"""{"saga":"order","sagaId":"{{id}}","step":"refund-payment","phase":"undo","attempt":1}""").Build());
        var unknownSaga = await _host.DeliverOneAsync(function, MessageBuilder.Json("""{"saga":"order","sagaId":"nope","step":"reserve-inventory"}""").Build());
        var unknownStep = await _host.DeliverOneAsync(function, MessageBuilder.Json($$"""{"saga":"order","sagaId":"{{id}}","step":"launch-rocket"}""").Build());
        var notJson = await _host.DeliverOneAsync(function, MessageBuilder.Json("{").Build());

        Assert.Equal(MessageOutcome.Success, stale.Outcome);
        Assert.Equal(before, (await _host.GetOrderAsync(id)).GetRawText());
        Assert.Equal((MessageOutcome.DeadLetter, "Saga 'order/nope' is not stored."), (unknownSaga.Outcome, unknownSaga.Reason));
        Assert.Equal(MessageOutcome.DeadLetter, unknownStep.Outcome);
        Assert.Contains("has no handler 'launch-rocket'", unknownStep.Reason, StringComparison.Ordinal);
        Assert.Equal(MessageOutcome.DeadLetter, notJson.Outcome);
        Assert.Equal(3, _host.DeadLetters.Received.Count);
    }

    [Fact]
    public async Task Coordinator_TwoHundredConcurrentOrdersOfOneUnitAgainstStockOfOneHundred_ExactlyOneHundredComplete()
    {
        await _host.StockAsync(100);
        var ids = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => _host.PlaceAsync(Order(customer: $"c{i}", quantity: 1)))));

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await _host.DeliverPublishedAsync())));
        while (_host.Publisher.PendingCount > 0)
        {
            await _host.DeliverPublishedAsync();
        }

        var orders = await Task.WhenAll(ids.Select(_host.GetOrderAsync));
        var statuses = orders.GroupBy(o => o.GetProperty("status").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["completed"] = 100, ["compensated"] = 100 }, statuses);
        Assert.Equal(0, await _host.AvailableAsync());
        foreach (var order in orders)
        {
            var payment = await PaymentAsync(order.GetProperty("id").GetString()!);
            var completed = order.GetProperty("status").GetString() == "completed";
            Assert.Equal(completed ? (1.5m, 0m) : (0m, 0m), (payment.Charged, payment.Refunded));
        }
    }

    [Fact]
    public async Task Executor_OrchestratorRequests_RunTheAwaitedHandlerAndAnswerDuplicatesFromTheRecord()
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order(card: SimulatedPaymentService.DeclinedCard));
        var executor = _host.Services.GetRequiredKeyedService<SagaExecutor>(OrderSaga.Definition.Name);
        SagaStepRequest Request(string step, SagaPhase phase) => new("order", id, step, phase, 1);

        Assert.Equal(SagaStepResult.Failed($"Saga 'order/{id}' is waiting for 'reserve-inventory', not 'charge-payment'."), await executor.RunAsync(Request(OrderSaga.ChargePayment, SagaPhase.Do), default));
        Assert.Equal(SagaStepResult.Succeeded(), await executor.RunAsync(Request(OrderSaga.ReserveInventory, SagaPhase.Do), default));
        Assert.Equal(SagaStepResult.Succeeded(), await executor.RunAsync(Request(OrderSaga.ReserveInventory, SagaPhase.Do), default));
        Assert.Equal(SagaStepResult.Failed("payment refused: card declined"), await executor.RunAsync(Request(OrderSaga.ChargePayment, SagaPhase.Do), default));
        Assert.Equal("compensating", (await _host.GetOrderAsync(id)).GetProperty("status").GetString());
        Assert.Equal(SagaStepResult.Succeeded(), await executor.RunAsync(Request(OrderSaga.ReleaseInventory, SagaPhase.Undo), default));

        var order = await _host.GetOrderAsync(id);
        Assert.Equal(("compensated", "charge-payment: payment refused: card declined"), (order.GetProperty("status").GetString(), order.GetProperty("reason").GetString()));
        Assert.Equal(5, await _host.AvailableAsync());
        Assert.Equal(SagaStepResult.Failed($"Saga 'order/{id}' is compensated; 'create-shipment' did not run in it."), await executor.RunAsync(Request(OrderSaga.CreateShipment, SagaPhase.Do), default));
    }
}
