using System.Text.Json;
using Microsoft.DurableTask.Protobuf;
using Portable.Azure.Sagas;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Core.State;
using Portable.Emulators.Azure.Durable;
using Xunit.Abstractions;
using Kind = Microsoft.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace Portable.Azure.Tests.Sagas;

/// <summary>
/// The order saga on Durable Functions: src/Azure's worker under the Functions host emulator with
/// <c>PORTABLE_SAGA_RUNNER=durable</c>. Each path is walked over HTTP (PUT /inventory, POST /orders, then
/// GET /orders/{id}), the task hub's clock moved to fire every durable timer, and the final status, the step
/// history, the stock and the payments checked, with the orchestration's recorded history.
/// </summary>
public sealed class DurableOrderSagaTests(DurableSagaHost saga, ITestOutputHelper output) : IClassFixture<DurableSagaHost>, IDisposable
{
    private static readonly string Orchestrator = OrderDurableSaga.Instance.OrchestratorName;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromSeconds(120));

    private CancellationToken Ct => _timeout.Token;

    private DurableTaskHub Hub => saga.Hub;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public void Worker_ReportsTheSagasOrchestratorAndActivities_AndADurableClientOnManifestFunctions()
    {
        var durable = OrderDurableSaga.Instance;
        Assert.Equal("order-saga-orchestrator", durable.OrchestratorName);
        Assert.Equal(DurableFunctionKind.Orchestrator, saga.Host.DurableKindOf(durable.OrchestratorName));
        foreach (var handler in OrderSaga.Definition.HandlerNames)
        {
            Assert.Equal(DurableFunctionKind.Activity, saga.Host.DurableKindOf($"order-saga-{handler}"));
        }

        Assert.Equal(DurableFunctionKind.Activity, saga.Host.DurableKindOf("order-saga-save-state"));

        // Exactly the manifest's functions (and the catch-all), each with a durableClient binding, plus the saga's; the
        // saga's step function is not one (on Azure the handlers run as the activities).
        var manifest = Core.Patterns.PatternsApp.Manifest.Functions.Where(f => f.Trigger is not Core.Sagas.SagaStepTrigger).Select(f => f.Name).Append(Portable.Azure.Worker.AzureHttpRoutes.FallbackFunctionName).ToList();
        // The event functions (the order choreography) bring the worker's event router with them.
        Assert.Equal(
            manifest.Append(Portable.Azure.Events.EventQueues.RouterFunctionName).Concat(durable.FunctionNames).Order(StringComparer.Ordinal),
            saga.Host.Functions.Select(f => f.Name).Order(StringComparer.Ordinal));
        Assert.All(manifest, name => Assert.Contains(saga.Host.FindFunction(name)!.Bindings, b => b is { Type: "durableClient", IsInput: true }));
        Assert.Equal(DurableFunctionKind.None, saga.Host.DurableKindOf(OrdersApi.FunctionName));
    }

    [Fact]
    public async Task StepThatThrows_RetriedAsTransient_ThenTheSagaCompensates_AndAFailedWriteBackFailsTheOrchestrationWithItsStatusKept()
    {
        // Started on the hub directly, for an order the store does not hold and whose input has no lines: the
        // reservation throws (a bug, as far as the saga can tell), and the write-back finds no order to write to.
        var id = "broken-" + Guid.NewGuid().ToString("N")[..8];
        using var lineless = JsonDocument.Parse($$"""{"id":"{{id}}","customer":"x","card":"4111111111111111","shippingCountry":"DE","total":1}""");
        Hub.StartInstance(Orchestrator, JsonSerializer.Serialize(new SagaOrchestrationInput(id, lineless.RootElement, SagaState.Start(id))), id);

        DurableInstanceStatus done;
        while (true)
        {
            await Hub.WaitForIdleAsync(Ct);
            done = Hub.GetStatus(id)!;
            if (done.IsFinished)
            {
                break;
            }

            saga.Clock.Advance(saga.OpenTimers(id).Min(t => t.FireAt!.Value) - saga.Clock.GetUtcNow());
        }

        output.WriteLine(Hub.DescribeHistory(id));
        Assert.Equal(OrchestrationStatus.Failed, done.RuntimeStatus);
        Assert.Contains($"Saga '{id}' is not stored.", done.Failure!.ErrorMessage, StringComparison.Ordinal);

        // The saga itself ended: each throw was a transient attempt, three of them, then nothing to undo.
        await using var clients = new DurableClientSource(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        clients.Use(Hub.DurableClientBindingJson(saga.Host.GrpcAddress));
        var state = await new DurableSagaStateSource(OrderDurableSaga.Instance, clients).GetAsync(id, Ct);
        Assert.NotNull(state);
        Assert.Equal(SagaStatus.Compensated, state.Status);
        var reservation = Assert.Single(state.Steps);
        Assert.Equal(("reserve-inventory", SagaStepOutcome.Failed, 3), (reservation.Step, reservation.Outcome, reservation.Attempts));
        Assert.StartsWith("System.", reservation.Reason, StringComparison.Ordinal);
        Assert.EndsWith("(after 3 attempts)", reservation.Reason, StringComparison.Ordinal);
        Assert.Equal("reserve-inventory: " + reservation.Reason, state.Reason);
        var history = Hub.GetHistory(id);
        Assert.Equal(3, history.Count(e => e.Kind == Kind.TaskFailed && history.Any(s => s.EventId == e.ReferenceId && s.Name == "order-saga-reserve-inventory")));
        Assert.Equal(5, Scheduled(id).Count(n => n == "order-saga-save-state"));
    }

    [Fact]
    public async Task Success_CompletesEveryStepOnce_HoldsTheStockAndChargesTheTotal()
    {
        await saga.PutStockAsync("ok-1", available: 10, price: 12.50m);

        var id = await saga.PlaceOrderAsync("alice", "ok-1", 2);
        var done = await saga.DriveAsync(id, Ct);

        var order = await saga.GetOrderAsync(id);
        AssertSteps(order, ("reserve-inventory", "do", "succeeded", 1), ("charge-payment", "do", "succeeded", 1), ("create-shipment", "do", "succeeded", 1), ("notify-customer", "do", "succeeded", 1));
        Assert.Equal("completed", order.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("reason").ValueKind);
        Assert.Equal(25.00m, order.GetProperty("total").GetDecimal());
        await AssertStockAsync("ok-1", available: 8, reserved: 2);
        var payment = await saga.Payments.GetAsync(id, Ct);
        Assert.Equal((25.00m, 0m), (payment.Charged, payment.Refunded));

        // The stored order is terminal too (a reconciliation job reads the store), with the same history.
        var stored = await saga.StoredOrderAsync(id);
        Assert.Equal(SagaStatus.Completed, stored.Saga.Status);
        Assert.Equal(4, stored.Saga.Steps.Count);

        // The orchestration: one activity per step, each raced by a 10 s timer that never fired, then the write-back.
        var history = Hub.GetHistory(id);
        output.WriteLine(Hub.DescribeHistory(id));
        Assert.Equal(Orchestrator, done.Name);
        Assert.Equal(id, done.InstanceId);
        Assert.Equal(
            ["order-saga-reserve-inventory", "order-saga-charge-payment", "order-saga-create-shipment", "order-saga-notify-customer", "order-saga-save-state"],
            history.Where(e => e.Kind == Kind.TaskScheduled).Select(e => e.Name));
        var timers = history.Where(e => e.Kind == Kind.TimerCreated).ToList();
        Assert.Equal(4, timers.Count);
        Assert.All(timers, t => Assert.Equal(t.Timestamp + TimeSpan.FromSeconds(10), t.FireAt));
        Assert.DoesNotContain(history, e => e.Kind == Kind.TimerFired);
        Assert.Equal(5, history.Count(e => e.Kind == Kind.TaskCompleted));
        var first = history.First(e => e.Kind == Kind.TaskScheduled);
        using (var request = JsonDocument.Parse(first.Input!))
        {
            var step = request.RootElement[0];
            Assert.Equal(("order", id, "reserve-inventory", "do", 1), (step.GetProperty("saga").GetString(), step.GetProperty("sagaId").GetString(), step.GetProperty("step").GetString(), step.GetProperty("phase").GetString(), step.GetProperty("attempt").GetInt32()));
            Assert.Equal("ok-1", step.GetProperty("input").GetProperty("items")[0].GetProperty("sku").GetString());
        }

        Assert.Contains("\"outcome\":\"succeeded\"", history.First(e => e.Kind == Kind.TaskCompleted).Result, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(done.Output!);
        Assert.Equal("completed", result.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OutOfStock_FailsTheReservation_CompensatedWithNothingToUndo()
    {
        await saga.PutStockAsync("short-1", available: 3, price: 5m);

        var id = await saga.PlaceOrderAsync("bob", "short-1", 5);
        await saga.DriveAsync(id, Ct);

        var order = await saga.GetOrderAsync(id);
        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("reserve-inventory: out of stock: short-1", order.GetProperty("reason").GetString());
        AssertSteps(order, ("reserve-inventory", "do", "failed", 1));
        await AssertStockAsync("short-1", available: 3, reserved: 0);
        Assert.Equal(0m, (await saga.Payments.GetAsync(id, Ct)).Charged);
        Assert.Equal(SagaStatus.Compensated, (await saga.StoredOrderAsync(id)).Saga.Status);
        Assert.Equal(["order-saga-reserve-inventory", "order-saga-save-state"], Scheduled(id));
    }

    [Fact]
    public async Task DeclinedCard_FailsTheChargeForGood_ReleasesTheStock()
    {
        await saga.PutStockAsync("declined-1", available: 4, price: 3m);

        var id = await saga.PlaceOrderAsync("carol", "declined-1", 1, card: SimulatedPaymentService.DeclinedCard);
        await saga.DriveAsync(id, Ct);

        var order = await saga.GetOrderAsync(id);
        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("charge-payment: payment refused: card declined", order.GetProperty("reason").GetString());
        AssertSteps(order, ("reserve-inventory", "do", "succeeded", 1), ("charge-payment", "do", "failed", 1), ("release-inventory", "undo", "succeeded", 1));
        await AssertStockAsync("declined-1", available: 4, reserved: 0);
        Assert.Equal(0m, (await saga.Payments.GetAsync(id, Ct)).Charged);
        Assert.Equal(SagaStatus.Compensated, (await saga.StoredOrderAsync(id)).Saga.Status);
        Assert.Equal(["order-saga-reserve-inventory", "order-saga-charge-payment", "order-saga-release-inventory", "order-saga-save-state"], Scheduled(id));
    }

    [Fact]
    public async Task PaymentTimeout_RetriedAfterDurableBackoffTimers_ThenCompensated()
    {
        await saga.PutStockAsync("slowpay-1", available: 6, price: 2m);
        var start = saga.Clock.GetUtcNow();

        var id = await saga.PlaceOrderAsync("dave", "slowpay-1", 2, card: SimulatedPaymentService.TimeoutCard);
        await saga.DriveAsync(id, Ct);

        var order = await saga.GetOrderAsync(id);
        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("charge-payment: The payment service did not answer in time. (after 3 attempts)", order.GetProperty("reason").GetString());
        AssertSteps(order, ("reserve-inventory", "do", "succeeded", 1), ("charge-payment", "do", "failed", 3), ("release-inventory", "undo", "succeeded", 1));

        // Three attempts, 1 s then 2 s apart on the hub's clock (the policy: 3 attempts, 1 s, doubling).
        var charge = order.GetProperty("steps")[1];
        Assert.Equal(start.AddSeconds(3), charge.GetProperty("at").GetDateTimeOffset());
        await AssertStockAsync("slowpay-1", available: 6, reserved: 0);
        Assert.Equal(0m, (await saga.Payments.GetAsync(id, Ct)).Charged);

        var history = Hub.GetHistory(id);
        output.WriteLine(Hub.DescribeHistory(id));
        var attempts = history.Where(e => e.Kind == Kind.TaskScheduled && e.Name == "order-saga-charge-payment").ToList();
        Assert.Equal([start, start.AddSeconds(1), start.AddSeconds(3)], attempts.Select(e => e.Timestamp));
        Assert.Equal([1, 2, 3], attempts.Select(e => AttemptOf(e)));
        var fired = history.Where(e => e.Kind == Kind.TimerFired).Select(e => e.FireAt!.Value).ToList();
        Assert.Contains(start.AddSeconds(1), fired);
        Assert.Contains(start.AddSeconds(3), fired);
        Assert.All(
            history.Where(e => e.Kind == Kind.TaskCompleted && attempts.Any(a => a.EventId == e.ReferenceId)),
            e => Assert.Contains("\"outcome\":\"transient\"", e.Result, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ShipmentFailure_AtThePivot_RefundsTheChargeAndReleasesTheStock()
    {
        await saga.PutStockAsync("noship-1", available: 5, price: 7.25m);

        var id = await saga.PlaceOrderAsync("erin", "noship-1", 2, shippingCountry: OrderSteps.UnshippableCountry);
        await saga.DriveAsync(id, Ct);

        var order = await saga.GetOrderAsync(id);
        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("create-shipment: shipment refused: no carrier serves XX", order.GetProperty("reason").GetString());
        AssertSteps(
            order,
            ("reserve-inventory", "do", "succeeded", 1),
            ("charge-payment", "do", "succeeded", 1),
            ("create-shipment", "do", "failed", 1),
            ("refund-payment", "undo", "succeeded", 1),
            ("release-inventory", "undo", "succeeded", 1));
        await AssertStockAsync("noship-1", available: 5, reserved: 0);
        var payment = await saga.Payments.GetAsync(id, Ct);
        Assert.Equal((14.50m, 14.50m), (payment.Charged, payment.Refunded));
        Assert.Equal(SagaStatus.Compensated, (await saga.StoredOrderAsync(id)).Saga.Status);
    }

    [Fact]
    public async Task NotificationFailure_AfterThePivot_RetriedPerPolicyNeverCompensated_Completed()
    {
        await saga.PutStockAsync("mute-1", available: 2, price: 1m);
        var start = saga.Clock.GetUtcNow();

        var id = await saga.PlaceOrderAsync(OrderSteps.UnreachableCustomer, "mute-1", 1);
        await saga.DriveAsync(id, Ct);

        var order = await saga.GetOrderAsync(id);
        Assert.Equal("completed", order.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("reason").ValueKind);
        AssertSteps(order, ("reserve-inventory", "do", "succeeded", 1), ("charge-payment", "do", "succeeded", 1), ("create-shipment", "do", "succeeded", 1), ("notify-customer", "do", "failed", 4));

        // Backoff 0.5, 1, 2 s: the last attempt 3.5 s after the first.
        Assert.Equal(start.AddSeconds(3.5), order.GetProperty("steps")[3].GetProperty("at").GetDateTimeOffset());
        await AssertStockAsync("mute-1", available: 1, reserved: 1);
        var payment = await saga.Payments.GetAsync(id, Ct);
        Assert.Equal((1m, 0m), (payment.Charged, payment.Refunded));
        var stored = await saga.StoredOrderAsync(id);
        Assert.Equal(SagaStatus.Completed, stored.Saga.Status);
        Assert.Contains("(after 4 attempts)", stored.Saga.Steps[^1].Reason, StringComparison.Ordinal);
        Assert.Equal(4, Scheduled(id).Count(n => n == "order-saga-notify-customer"));
        Assert.DoesNotContain(Scheduled(id), n => n is "order-saga-cancel-shipment" or "order-saga-refund-payment" or "order-saga-release-inventory");
    }

    [Fact]
    public async Task StepTimeout_TheDurableTimerWinsTheRace_TheLateResultIsIgnoredAndTheRetryChargesNothingTwice()
    {
        await saga.PutStockAsync("late-1", available: 3, price: 4m);
        var start = saga.Clock.GetUtcNow();
        var hold = Hub.HoldActivity("order-saga-charge-payment");
        string id;
        try
        {
            id = await saga.PlaceOrderAsync("frank", "late-1", 1);

            // The charge is invoked and held; its 10 s timeout timer is in the history beside it.
            await hold.WaitForHeldAsync(1, Ct);
            await Hub.WaitForStatusAsync(id, _ => saga.OpenTimers(id).Any(t => t.FireAt == start.AddSeconds(10)), Ct);

            // Meanwhile GET /orders/{id} reads the orchestration's custom status: running, the reservation done.
            var running = await saga.GetOrderAsync(id);
            Assert.Equal("running", running.GetProperty("status").GetString());
            AssertSteps(running, ("reserve-inventory", "do", "succeeded", 1));

            // Ten seconds on the hub's clock: the timer fires first, the attempt is transient, the retry waits 1 s.
            saga.Clock.Advance(TimeSpan.FromSeconds(10));
            await Hub.WaitForStatusAsync(id, _ => saga.OpenTimers(id).Any(t => t.FireAt == start.AddSeconds(11)), Ct);
        }
        finally
        {
            hold.Release();
        }

        // The first attempt now runs late: it charges, and its result lands in a history no longer waiting for it.
        var firstCharge = Hub.GetHistory(id).First(e => e.Kind == Kind.TaskScheduled && e.Name == "order-saga-charge-payment");
        await Hub.WaitForStatusAsync(id, _ => Hub.GetHistory(id).Any(e => e.Kind == Kind.TaskCompleted && e.ReferenceId == firstCharge.EventId), Ct);
        await saga.DriveAsync(id, Ct);

        var order = await saga.GetOrderAsync(id);
        Assert.Equal("completed", order.GetProperty("status").GetString());
        AssertSteps(order, ("reserve-inventory", "do", "succeeded", 1), ("charge-payment", "do", "succeeded", 2), ("create-shipment", "do", "succeeded", 1), ("notify-customer", "do", "succeeded", 1));
        var payment = await saga.Payments.GetAsync(id, Ct);
        Assert.Equal(4m, payment.Charged);
        Assert.Equal([$"{id}/charge-payment"], payment.AppliedKeys);

        // The recorded race: the charge scheduled with its 10 s timer, the timer fired before the charge completed,
        // the 1 s backoff timer, the second attempt and its result.
        var history = Hub.GetHistory(id);
        output.WriteLine(Hub.DescribeHistory(id));
        int Position(DurableHistoryEntry entry) => history.Select((e, i) => (e, i)).Single(p => ReferenceEquals(p.e, entry)).i;
        var timeoutTimer = history.Single(e => e.Kind == Kind.TimerCreated && e.FireAt == start.AddSeconds(10) && e.EventId == firstCharge.EventId + 1);
        var timeoutFired = history.Single(e => e.Kind == Kind.TimerFired && e.ReferenceId == timeoutTimer.EventId);
        var lateResult = history.Single(e => e.Kind == Kind.TaskCompleted && e.ReferenceId == firstCharge.EventId);
        Assert.True(Position(timeoutFired) < Position(lateResult), Hub.DescribeHistory(id));
        Assert.Equal(start.AddSeconds(10), timeoutFired.Timestamp);
        var backoff = history.Single(e => e.Kind == Kind.TimerCreated && e.FireAt == start.AddSeconds(11));
        Assert.True(Position(timeoutFired) < Position(backoff));
        Assert.Contains(history, e => e.Kind == Kind.TimerFired && e.ReferenceId == backoff.EventId);
        var charges = history.Where(e => e.Kind == Kind.TaskScheduled && e.Name == "order-saga-charge-payment").ToList();
        Assert.Equal(2, charges.Count);
        Assert.Equal((2, start.AddSeconds(11)), (AttemptOf(charges[1]), charges[1].Timestamp));
        Assert.True(Position(backoff) < Position(charges[1]));
        var retryResult = history.Single(e => e.Kind == Kind.TaskCompleted && e.ReferenceId == charges[1].EventId);
        Assert.Contains("\"outcome\":\"succeeded\"", retryResult.Result, StringComparison.Ordinal);

        var stored = await saga.StoredOrderAsync(id);
        Assert.Equal(SagaStatus.Completed, stored.Saga.Status);
        Assert.Null(stored.Saga.Current);
    }

    [Fact]
    public async Task Starter_StartingTwice_StartsOnce_AndNeverRestartsAnEndedSaga()
    {
        await saga.PutStockAsync("twice-1", available: 5, price: 1m);
        var id = await saga.PlaceOrderAsync("gina", "twice-1", 1);
        await saga.DriveAsync(id, Ct);
        var executionId = Hub.GetStatus(id)!.ExecutionId;
        await using var clients = new DurableClientSource(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        clients.Use(Hub.DurableClientBindingJson(saga.Host.GrpcAddress));
        var starter = new DurableSagaStarter(OrderDurableSaga.Instance, clients, new OrderSagaRepository(saga.Store, TimeProvider.System));

        // Started again once ended: left as it is (Durable's own default would start it over).
        await starter.StartAsync(id, Ct);
        await Hub.WaitForIdleAsync(Ct);
        Assert.Equal(executionId, Hub.GetStatus(id)!.ExecutionId);
        Assert.Single(Hub.GetHistory(id), e => e.Kind == Kind.ExecutionStarted);

        // A recorded order started twice at once: one orchestration, one run of each step.
        var fresh = SortableId.New(TimeProvider.System);
        var order = (await saga.StoredOrderAsync(id)) with { Id = fresh, Saga = SagaState.Start(fresh) };
        Assert.True((await saga.Store.InsertAsync(OrdersApi.Collection, fresh, JsonSerializer.SerializeToUtf8Bytes(order, OrdersJsonContext.Default.OrderRecord))).Succeeded);
        await Task.WhenAll(starter.StartAsync(fresh, Ct).AsTask(), starter.StartAsync(fresh, Ct).AsTask());
        await saga.DriveAsync(fresh, Ct);

        Assert.Single(Hub.GetHistory(fresh), e => e.Kind == Kind.ExecutionStarted);
        Assert.Equal(1, Scheduled(fresh).Count(n => n == "order-saga-reserve-inventory"));
        Assert.Equal(SagaStatus.Completed, (await saga.StoredOrderAsync(fresh)).Saga.Status);
        await AssertStockAsync("twice-1", available: 3, reserved: 2);
    }

    [Fact]
    public async Task StateSource_UnknownOrder_IsNull_SoTheStoredOrderIsShown()
    {
        await using var clients = new DurableClientSource(Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance);
        clients.Use(Hub.DurableClientBindingJson(saga.Host.GrpcAddress));
        var states = new DurableSagaStateSource(OrderDurableSaga.Instance, clients);

        Assert.Null(await states.GetAsync("no-such-order", Ct));
    }

    private List<string> Scheduled(string id) => [.. Hub.GetHistory(id).Where(e => e.Kind == Kind.TaskScheduled).Select(e => e.Name!)];

    private static int AttemptOf(DurableHistoryEntry scheduled)
    {
        using var input = JsonDocument.Parse(scheduled.Input!);
        return input.RootElement[0].GetProperty("attempt").GetInt32();
    }

    private static void AssertSteps(JsonElement order, params (string Step, string Phase, string Outcome, int Attempts)[] expected)
    {
        var steps = order.GetProperty("steps").EnumerateArray()
            .Select(s => (s.GetProperty("step").GetString()!, s.GetProperty("phase").GetString()!, s.GetProperty("outcome").GetString()!, s.GetProperty("attempts").GetInt32()))
            .ToArray();
        Assert.Equal(expected, steps);
    }

    private async Task AssertStockAsync(string sku, int available, int reserved)
    {
        var stock = await saga.GetStockAsync(sku);
        Assert.Equal((available, reserved), (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32()));
    }
}
