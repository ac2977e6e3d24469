using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Deploy.StepFunctions;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// The committed order saga machine, executed by aws-local-stepfunctions, its Tasks invoking (through Lambda's
/// Invoke API) a function that answers as the order steps do on each path and records the results with the saga's own
/// rules: each path ends with the status, history and attempts the in-process order tests see
/// (tests/Core.Tests/Patterns/OrdersTests.cs), and the execution's own end agrees.
/// </summary>
public sealed class OrderSagaScriptedExecutionTests(OrderSagaScriptedExecutionTests.Executions executions) : IClassFixture<OrderSagaScriptedExecutionTests.Executions>
{
    [Theory]
    [InlineData("success", "completed", null, null, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:succeeded" })]
    [InlineData("out-of-stock", "compensated", StepFunctionsGenerator.CompensatedError, "reserve-inventory: out of stock: widget", new[] { "reserve-inventory:do:failed" })]
    [InlineData("declined", "compensated", StepFunctionsGenerator.CompensatedError, "charge-payment: payment refused: card declined", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded" })]
    [InlineData("payment-timeout", "compensated", StepFunctionsGenerator.CompensatedError, "charge-payment: The payment service did not answer in time. (after 3 attempts)", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded" })]
    [InlineData("shipment-fails", "compensated", StepFunctionsGenerator.CompensatedError, "create-shipment: shipment refused: no carrier serves XX", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:failed", "refund-payment:undo:succeeded", "release-inventory:undo:succeeded" })]
    [InlineData("notify-fails", "completed", null, null, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:failed" })]
    [InlineData("refund-fails", "failed", StepFunctionsGenerator.CompensationFailedError, "create-shipment: shipment refused: no carrier serves XX", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:failed", "refund-payment:undo:failed" })]
    [InlineData("release-fails", "failed", StepFunctionsGenerator.CompensationFailedError, "charge-payment: payment refused: card declined", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:failed" })]
    [InlineData("charge-transient-once", "completed", null, null, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:succeeded" })]
    public void Path_EndsAsTheSagaRulesSay(string path, string status, string? executionError, string? reason, string[] history)
    {
        var state = executions.Function.State(path);
        var execution = executions.Results[path];

        Assert.Empty(executions.Function.Unexpected);
        Assert.Equal(status, state.Status.ToString().ToLowerInvariant());
        Assert.Equal(reason, state.Reason);
        Assert.Equal(history, executions.Function.History(path));
        if (executionError is null)
        {
            Assert.True(execution.Succeeded, execution.ToString());
            Assert.Equal(path, execution.Output!.Value.GetProperty("sagaId").GetString()); // the input survived every Task
        }
        else
        {
            Assert.Equal(("FAILED", executionError), (execution.Status, execution.Error));
        }

        SagaExecution.AssertAgrees(state, execution);
    }

    [Fact]
    public void PaymentTimeout_ChargeIsAttemptedThreeTimesThenTheReservationReleased()
    {
        var execution = executions.Results["payment-timeout"];

        Assert.Equal(["reserve-inventory#1", "charge-payment#1", "charge-payment#2", "charge-payment#3", "release-inventory#1"], executions.Function.Attempts("payment-timeout"));
        Assert.Equal(2, execution.Retries("charge-payment"));
        Assert.Equal(3, executions.Function.State("payment-timeout").Steps[1].Attempts);
        // The compensated execution's cause is the step's error payload, as Step Functions reports a function error.
        Assert.Contains("\"errorType\":\"Portable.SagaStepTransient\"", execution.Cause, StringComparison.Ordinal);
        Assert.Contains("The payment service did not answer in time.", execution.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void NotificationFails_RetriedPerItsPolicyNeverCompensatedAndTheExecutionSucceeds()
    {
        var execution = executions.Results["notify-fails"];

        Assert.Equal(3, execution.Retries("notify-customer"));
        Assert.Equal(4, executions.Function.State("notify-fails").Steps[3].Attempts);
        var caught = Assert.Single(execution.Events, e => e.Type == "StateCaught");
        Assert.Equal(("notify-customer", StepFunctionsGenerator.CompletedState), (caught.State, caught.Next));
        Assert.Equal("Portable.SagaStepTransient", execution.Output!.Value.GetProperty("error").GetProperty("Error").GetString());
    }

    [Fact]
    public void TransientOnce_TheRetryCarriesAttemptTwo()
    {
        Assert.Equal(
            ["reserve-inventory#1", "charge-payment#1", "charge-payment#2", "create-shipment#1", "notify-customer#1"],
            executions.Function.Attempts("charge-transient-once"));
        Assert.Equal(2, executions.Function.State("charge-transient-once").Steps[1].Attempts);
    }

    [Fact]
    public void CompensationFails_TheCauseIsTheCompensationsErrorAndTheOriginalErrorIsKept()
    {
        var execution = executions.Results["refund-fails"];

        Assert.Contains("refund refused by the payment service", execution.Cause, StringComparison.Ordinal);
        Assert.Equal(["reserve-inventory", "charge-payment", "create-shipment", "refund-payment", "compensation-failed"], execution.StatesEntered);
    }

    public sealed class Executions : IAsyncLifetime
    {
        public static readonly string[] Paths =
            ["success", "out-of-stock", "declined", "payment-timeout", "shipment-fails", "notify-fails", "refund-fails", "release-fails", "charge-transient-once"];

        public ScriptedSagaFunction Function { get; } = new(OrderSaga.Definition, Script);

        public IReadOnlyDictionary<string, StateMachineExecution> Results { get; private set; } = null!;

        // The answers the order steps give on each path (OrderSteps, SimulatedPaymentService), and two failing refunds and releases.
        private static SagaStepResult Script(string path, string step, SagaPhase phase, int attempt) => (path, step) switch
        {
            ("out-of-stock", OrderSaga.ReserveInventory) => SagaStepResult.Failed("out of stock: widget"),
            ("declined" or "release-fails", OrderSaga.ChargePayment) => SagaStepResult.Failed("payment refused: card declined"),
            ("payment-timeout", OrderSaga.ChargePayment) => SagaStepResult.Transient("The payment service did not answer in time."),
            ("shipment-fails" or "refund-fails", OrderSaga.CreateShipment) => SagaStepResult.Failed("shipment refused: no carrier serves XX"),
            ("notify-fails", OrderSaga.NotifyCustomer) => SagaStepResult.Transient("customer notify-fails could not be reached"),
            ("refund-fails", OrderSaga.RefundPayment) => SagaStepResult.Failed("refund refused by the payment service"),
            ("release-fails", OrderSaga.ReleaseInventory) => SagaStepResult.Failed("the stock record is gone"),
            ("charge-transient-once", OrderSaga.ChargePayment) when attempt == 1 => SagaStepResult.Transient("busy"),
            _ => SagaStepResult.Succeeded(),
        };

        public async Task InitializeAsync() =>
            Results = await SagaExecution.RunAsync(OrderSaga.Definition, OrderSagaStateMachineDriftTests.CommittedPath, Function, Paths);

        public Task DisposeAsync() => Task.CompletedTask;
    }
}
