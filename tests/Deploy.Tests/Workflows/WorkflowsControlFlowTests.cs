using System.Text.Json;
using Portable.Core.Patterns.Orders;
using Portable.Deploy.Workflows;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// Walks the generated order-saga workflow (no Workflows interpreter exists offline, so <see cref="WorkflowInterpreter"/>
/// runs the subset it is written in) against a scripted Cloud Run step function, and checks where it goes: each
/// failure undoes exactly the steps that completed before it, in reverse; transients are retried per the policy;
/// after the pivot a failure is passed; a failing compensation ends the execution failed.
/// </summary>
public class WorkflowsControlFlowTests
{
    private static readonly string[] Forward =
        [OrderSaga.ReserveInventory, OrderSaga.ChargePayment, OrderSaga.CreateShipment, OrderSaga.NotifyCustomer];

    [Fact]
    public void Run_EveryStepSucceeds_RunsTheFourStepsInOrderAndCompletes()
    {
        var service = new ScriptedStepService();

        var run = OrderSagaWorkflow.Run(service);

        Assert.True(run.Succeeded, $"The execution failed: {run.Error}");
        Assert.Equal(Forward.Select(s => $"do {s} #1"), service.Calls);
        var result = Assert.IsType<Dictionary<string, object?>>(run.Result);
        Assert.Equal("order-42", result["sagaId"]);
        Assert.Equal("completed", result["status"]);
        Assert.Null(result["reason"]);
        Assert.Empty(Assert.IsType<List<object?>>(result["failedAfterPivot"]));
        Assert.Empty(run.Sleeps);
    }

    [Theory]
    [InlineData(OrderSaga.ReserveInventory, new string[0])]
    [InlineData(OrderSaga.ChargePayment, new[] { OrderSaga.ReleaseInventory })]
    [InlineData(OrderSaga.CreateShipment, new[] { OrderSaga.RefundPayment, OrderSaga.ReleaseInventory })]
    public void Run_AStepFailsForGood_UndoesExactlyTheStepsCompletedBeforeItInReverse(string failing, string[] undone)
    {
        var service = new ScriptedStepService().Answer(failing, StepAnswer.Fail("no way"));

        var walk = SagaWalk.Of(OrderSagaWorkflow.Run(service), service);

        var ran = Forward.TakeWhile(s => s != failing).Append(failing).Select(s => $"do {s} #1");
        Assert.Equal(ran.Concat(undone.Select(u => $"undo {u} #1")), walk.Calls);
        Assert.Equal("compensated", walk.Status);
        Assert.Equal($"{failing}: no way", walk.Reason);
    }

    [Fact]
    public void Run_PaymentTransientOnEveryAttempt_RetriedPerThePolicyThenCompensated()
    {
        var service = new ScriptedStepService().Answer(OrderSaga.ChargePayment, StepAnswer.Times(3, StepAnswer.Transient("payment service timed out")));

        var run = OrderSagaWorkflow.Run(service);
        var walk = SagaWalk.Of(run, service);

        Assert.Equal(
            ["do reserve-inventory #1", "do charge-payment #1", "do charge-payment #2", "do charge-payment #3", "undo release-inventory #1"],
            walk.Calls);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], run.Sleeps);
        Assert.Equal("compensated", walk.Status);
        Assert.Equal("charge-payment: payment service timed out (after 3 attempts)", walk.Reason);
    }

    [Fact]
    public void Run_TransientThenSucceeded_GoesOnWithoutCompensating()
    {
        var service = new ScriptedStepService().Answer(OrderSaga.ChargePayment, StepAnswer.Transient("busy"), StepAnswer.Succeed);

        var walk = SagaWalk.Of(OrderSagaWorkflow.Run(service), service);

        Assert.Equal(
            ["do reserve-inventory #1", "do charge-payment #1", "do charge-payment #2", "do create-shipment #1", "do notify-customer #1"],
            walk.Calls);
        Assert.Equal("completed", walk.Status);
    }

    [Fact]
    public void Run_ConnectionLostThenNoAnswer_AreRetriedLikeTransients()
    {
        var service = new ScriptedStepService().Answer(OrderSaga.ReserveInventory, StepAnswer.ConnectionLost, StepAnswer.Hang);

        var run = OrderSagaWorkflow.Run(service);

        Assert.Equal("completed", SagaWalk.Of(run, service).Status);
        Assert.Equal(["do reserve-inventory #1", "do reserve-inventory #2", "do reserve-inventory #3"], service.Calls.Take(3));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], run.Sleeps);
    }

    [Fact]
    public void Run_NoAnswerOnEveryAttempt_CompensatesWithTheTimeoutAsReason()
    {
        var service = new ScriptedStepService().Answer(OrderSaga.CreateShipment, StepAnswer.Times(3, StepAnswer.Hang));

        var walk = SagaWalk.Of(OrderSagaWorkflow.Run(service), service);

        Assert.Equal("compensated", walk.Status);
        Assert.Equal("create-shipment: Timeout occurred while waiting for the response (after 3 attempts)", walk.Reason);
        Assert.Equal(["undo refund-payment #1", "undo release-inventory #1"], walk.Calls.TakeLast(2));
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public void Run_StatusOtherThan503_IsAFailureAndNotRetried(int code)
    {
        var service = new ScriptedStepService().Answer(OrderSaga.ChargePayment, StepAnswer.WithStatus(code));

        var walk = SagaWalk.Of(OrderSagaWorkflow.Run(service), service);

        Assert.Equal(["do reserve-inventory #1", "do charge-payment #1", "undo release-inventory #1"], walk.Calls);
        Assert.Equal("compensated", walk.Status);
        Assert.Equal($"charge-payment: HTTP server responded with error code {code}", walk.Reason);
    }

    [Fact]
    public void Run_NotificationFailsAfterThePivot_CompletesWithTheFailureRecordedAndNothingUndone()
    {
        var service = new ScriptedStepService().Answer(OrderSaga.NotifyCustomer, StepAnswer.Fail("mailbox full"));

        var walk = SagaWalk.Of(OrderSagaWorkflow.Run(service), service);

        Assert.Equal(Forward.Select(s => $"do {s} #1"), walk.Calls);
        Assert.Equal("completed", walk.Status);
        Assert.Null(walk.Reason);
        Assert.Equal(["notify-customer: mailbox full"], walk.FailedAfterPivot);
    }

    [Fact]
    public void Run_NotificationTransientOnEveryAttempt_RetriedPerItsPolicyThenPassed()
    {
        OrderSaga.Definition.TryFindHandler(OrderSaga.NotifyCustomer, out var notify, out _);
        var attempts = notify.Retry.MaxAttempts;
        var service = new ScriptedStepService().Answer(OrderSaga.NotifyCustomer, StepAnswer.Times(attempts, StepAnswer.Transient("smtp down")));

        var run = OrderSagaWorkflow.Run(service);
        var walk = SagaWalk.Of(run, service);

        Assert.Equal(Enumerable.Range(1, attempts).Select(n => $"do notify-customer #{n}"), walk.Calls.Skip(3));

        // The definition's waits, each rounded up to whole seconds (Workflows backoff takes whole numbers).
        Assert.Equal(Enumerable.Range(1, attempts - 1).Select(n => Math.Ceiling(notify.Retry.FirstDelay.TotalSeconds) * Math.Pow(notify.Retry.BackoffCoefficient, n - 1)), run.Sleeps.Select(s => s.TotalSeconds));
        Assert.All(run.Sleeps.Select((s, i) => (s, i)), p => Assert.True(p.s >= notify.Retry.DelayAfter(p.i + 1), $"retry {p.i + 1} came sooner than the definition says"));
        Assert.Equal("completed", walk.Status);
        Assert.Equal([$"notify-customer: smtp down (after {attempts} attempts)"], walk.FailedAfterPivot);
    }

    [Fact]
    public void Run_ACompensationFailsForGood_EndsFailedKeepingTheReasonAndUndoesNoFurther()
    {
        var service = new ScriptedStepService()
            .Answer(OrderSaga.CreateShipment, StepAnswer.Fail("no carrier for XX"))
            .Answer(OrderSaga.RefundPayment, StepAnswer.Fail("card closed"));

        var run = OrderSagaWorkflow.Run(service);

        Assert.False(run.Succeeded);
        Assert.Equal(
            ["do reserve-inventory #1", "do charge-payment #1", "do create-shipment #1", "undo refund-payment #1"],
            service.Calls);
        var error = Assert.IsType<Dictionary<string, object?>>(run.Error);
        Assert.Equal("failed", error["status"]);
        Assert.Equal("order-42", error["sagaId"]);
        Assert.Equal("create-shipment: no carrier for XX", error["reason"]);
        Assert.Equal("refund-payment: card closed", error["compensation"]);
        Assert.Equal("compensation failed, the saga needs attention: refund-payment: card closed", error["message"]);
    }

    [Fact]
    public void Run_ACompensationTransientOnEveryAttempt_EndsFailed()
    {
        var service = new ScriptedStepService()
            .Answer(OrderSaga.ChargePayment, StepAnswer.Fail("declined"))
            .Answer(OrderSaga.ReleaseInventory, StepAnswer.Times(3, StepAnswer.Transient("store busy")));

        var walk = SagaWalk.Of(OrderSagaWorkflow.Run(service), service);

        Assert.Equal(["undo release-inventory #1", "undo release-inventory #2", "undo release-inventory #3"], walk.Calls.TakeLast(3));
        Assert.Equal("failed", walk.Status);
        Assert.Equal("charge-payment: declined", walk.Reason);
    }

    [Fact]
    public void Run_ACompensationTransientThenSucceeded_StillCompensates()
    {
        var service = new ScriptedStepService()
            .Answer(OrderSaga.CreateShipment, StepAnswer.Fail("no carrier"))
            .Answer(OrderSaga.RefundPayment, StepAnswer.Transient("bank busy"));

        var walk = SagaWalk.Of(OrderSagaWorkflow.Run(service), service);

        Assert.Equal(["undo refund-payment #1", "undo refund-payment #2", "undo release-inventory #1"], walk.Calls.TakeLast(3));
        Assert.Equal("compensated", walk.Status);
    }

    [Fact]
    public void Run_EveryCall_IsTheContractsStepRequestToTheStepFunctionWithOidc()
    {
        var service = new ScriptedStepService()
            .Answer(OrderSaga.ChargePayment, StepAnswer.Transient("slow"))
            .Answer(OrderSaga.CreateShipment, StepAnswer.Fail("no carrier"));

        OrderSagaWorkflow.Run(service);

        Assert.Equal(
            [
                """{"saga":"order","sagaId":"order-42","step":"reserve-inventory","phase":"do","attempt":1}""",
                """{"saga":"order","sagaId":"order-42","step":"charge-payment","phase":"do","attempt":1}""",
                """{"saga":"order","sagaId":"order-42","step":"charge-payment","phase":"do","attempt":2}""",
                """{"saga":"order","sagaId":"order-42","step":"create-shipment","phase":"do","attempt":1}""",
                """{"saga":"order","sagaId":"order-42","step":"refund-payment","phase":"undo","attempt":1}""",
                """{"saga":"order","sagaId":"order-42","step":"release-inventory","phase":"undo","attempt":1}""",
            ],
            service.Requests.Select(r => JsonSerializer.Serialize(YamlValues.ToJson(r.Body))));
        Assert.All(service.Requests, r =>
        {
            Assert.Equal(ScriptedStepService.ServiceUrl + "/" + OrderSagaWorkflow.StepFunction, r.Url);
            Assert.NotNull(r.Auth);
            Assert.Equal("OIDC", r.Auth["type"]);
            Assert.Equal(ScriptedStepService.ServiceUrl, r.Auth["audience"]);

            // A backstop above the step's own 10 s timeout, which Portable enforces inside the step function.
            Assert.Equal(15, r.TimeoutSeconds);
        });
    }

    [Fact]
    public void Run_ServiceUrlNotSet_FailsNamingTheVariableBeforeAnyCall()
    {
        var service = new ScriptedStepService();

        var run = OrderSagaWorkflow.Run(service, environment: new Dictionary<string, string>(StringComparer.Ordinal));

        Assert.False(run.Succeeded);
        Assert.Contains($"--set-env-vars {WorkflowsGenerator.ServiceUrlVariable}=", Assert.IsType<string>(run.Error), StringComparison.Ordinal);
        Assert.Empty(service.Requests);
    }
}
