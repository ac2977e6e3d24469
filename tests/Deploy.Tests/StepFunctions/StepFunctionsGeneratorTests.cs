using System.Text.Json.Nodes;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Deploy.StepFunctions;

namespace Portable.Deploy.Tests.StepFunctions;

public sealed class StepFunctionsGeneratorTests
{
    private static readonly string[] TransientErrors = ["Portable.SagaStepTransient", "States.Timeout"];

    private static JsonObject Machine(SagaDefinition saga) => JsonNode.Parse(StepFunctionsGenerator.Generate(saga).Content)!.AsObject();

    private static JsonObject State(JsonObject machine, string name) => machine["States"]![name]!.AsObject();

    private static string? Text(JsonNode? node) => node?.GetValue<string>();

    private static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(e => e!.GetValue<string>())];

    private static string CatchNext(JsonObject machine, string state) => Text(State(machine, state)["Catch"]![0]!["Next"])!;

    [Fact]
    public void Generate_OrderSaga_IsJsonPathAslAtAwsOrderSagaAslJson()
    {
        var file = StepFunctionsGenerator.Generate(OrderSaga.Definition);
        var machine = Machine(OrderSaga.Definition);

        Assert.Equal("aws/order-saga.asl.json", file.Path);
        Assert.EndsWith("}\n", file.Content, StringComparison.Ordinal);
        Assert.Equal("JSONPath", Text(machine["QueryLanguage"]));
        Assert.Equal("reserve-inventory", Text(machine["StartAt"]));
        Assert.Equal(
            ["reserve-inventory", "charge-payment", "create-shipment", "notify-customer", "refund-payment", "release-inventory", "saga-completed", "saga-compensated", "compensation-failed"],
            machine["States"]!.AsObject().Select(p => p.Key));
        Assert.Equal(file.Content, StepFunctionsGenerator.Generate(OrderSaga.Definition).Content);
    }

    [Theory]
    [InlineData("reserve-inventory", "do")]
    [InlineData("charge-payment", "do")]
    [InlineData("create-shipment", "do")]
    [InlineData("notify-customer", "do")]
    [InlineData("refund-payment", "undo")]
    [InlineData("release-inventory", "undo")]
    public void Generate_EachHandler_IsALambdaInvokeTaskSendingTheStepRequest(string handler, string phase)
    {
        var task = State(Machine(OrderSaga.Definition), handler);

        Assert.Equal("Task", Text(task["Type"]));
        Assert.Equal("arn:aws:states:::lambda:invoke", Text(task["Resource"]));
        Assert.Equal("${OrderSagaFunctionArn}", Text(task["Parameters"]!["FunctionName"]));
        var payload = task["Parameters"]!["Payload"]!.AsObject();
        Assert.Equal(["saga", "sagaId.$", "step", "phase", "attempt.$"], payload.Select(p => p.Key));
        Assert.Equal("order", Text(payload["saga"]));
        Assert.Equal("$.sagaId", Text(payload["sagaId.$"]));
        Assert.Equal(handler, Text(payload["step"]));
        Assert.Equal(phase, Text(payload["phase"]));
        Assert.Equal("States.MathAdd($$.State.RetryCount, 1)", Text(payload["attempt.$"]));
        Assert.True(task.ContainsKey("ResultPath"));
        Assert.Null(task["ResultPath"]); // the input, {"sagaId"}, passes through
    }

    [Theory]
    [InlineData("reserve-inventory", 2, 1)]
    [InlineData("charge-payment", 2, 1)]
    [InlineData("create-shipment", 2, 1)]
    [InlineData("notify-customer", 3, 1)] // 4 attempts, the first wait 0.5 s rounded up to the 1 s Step Functions allows at least
    [InlineData("refund-payment", 2, 1)] // a compensation is retried per its step's policy
    [InlineData("release-inventory", 2, 1)]
    public void Generate_Retry_IsThePolicyWithRetriesCountedAsStepFunctionsCountsThem(string handler, int maxAttempts, int intervalSeconds)
    {
        var retry = State(Machine(OrderSaga.Definition), handler)["Retry"]!.AsArray();

        Assert.Equal(2, retry.Count);
        Assert.Equal(TransientErrors, Strings(retry[0]!["ErrorEquals"]));
        Assert.Equal(StepFunctionsGenerator.LambdaServiceErrors, Strings(retry[1]!["ErrorEquals"]));
        foreach (var retrier in retry)
        {
            Assert.Equal(maxAttempts, retrier!["MaxAttempts"]!.GetValue<int>());
            Assert.Equal(intervalSeconds, retrier["IntervalSeconds"]!.GetValue<int>());
            Assert.Equal(2.0, retrier["BackoffRate"]!.GetValue<double>());
        }
    }

    [Fact]
    public void Generate_TimeoutSeconds_IsABackstopAboveTheStepTimeout()
    {
        var order = Machine(OrderSaga.Definition);
        Assert.All(
            ["reserve-inventory", "charge-payment", "create-shipment", "notify-customer", "refund-payment", "release-inventory"],
            name => Assert.Equal(15, State(order, name)["TimeoutSeconds"]!.GetValue<int>())); // 10 s + 5 s

        Assert.Equal(8, State(Machine(TestSagas.Gaps), "p4")["TimeoutSeconds"]!.GetValue<int>()); // 2.5 s + 5 s, rounded up
    }

    [Fact]
    public void Generate_FailureAtOrBeforeThePivot_IsCaughtIntoTheCompensationOfTheStepsBeforeIt()
    {
        var machine = Machine(OrderSaga.Definition);

        Assert.Equal("saga-compensated", CatchNext(machine, "reserve-inventory"));
        Assert.Equal("release-inventory", CatchNext(machine, "charge-payment"));
        Assert.Equal("refund-payment", CatchNext(machine, "create-shipment"));
        Assert.Equal("release-inventory", Text(State(machine, "refund-payment")["Next"]));
        Assert.Equal("saga-compensated", Text(State(machine, "release-inventory")["Next"]));
        foreach (var name in new[] { "reserve-inventory", "charge-payment", "create-shipment" })
        {
            var catcher = State(machine, name)["Catch"]!.AsArray().Single()!;
            Assert.Equal(["States.ALL"], Strings(catcher["ErrorEquals"]));
            Assert.Equal("$.error", Text(catcher["ResultPath"]));
        }

        var compensated = State(machine, "saga-compensated");
        Assert.Equal(("Fail", "Portable.SagaCompensated", "$.error.Cause"), (Text(compensated["Type"]), Text(compensated["Error"]), Text(compensated["CausePath"])));
    }

    [Fact]
    public void Generate_PivotsCompensation_IsLeftOutBecauseNothingAfterThePivotCompensates()
    {
        var machine = Machine(OrderSaga.Definition);

        Assert.False(machine["States"]!.AsObject().ContainsKey("cancel-shipment"));
        Assert.False(Machine(TestSagas.NoPivot)["States"]!.AsObject().ContainsKey("undo-c")); // without a pivot, the last step's
        Assert.True(Machine(TestSagas.NoPivot)["States"]!.AsObject().ContainsKey("undo-b"));
    }

    [Fact]
    public void Generate_StepAfterThePivot_IsRetriedAndItsFailurePassedOn()
    {
        var machine = Machine(OrderSaga.Definition);
        var notify = State(machine, "notify-customer");

        Assert.Equal("saga-completed", Text(notify["Next"]));
        Assert.Equal("saga-completed", CatchNext(machine, "notify-customer"));
        Assert.Equal("Succeed", Text(State(machine, "saga-completed")["Type"]));
        var gaps = Machine(TestSagas.Gaps);
        Assert.Equal("s6", CatchNext(gaps, "s5"));
        Assert.Equal("saga-completed", CatchNext(gaps, "s6"));
    }

    [Fact]
    public void Generate_CompensationFailure_EndsInAFailStateKeepingTheOriginalError()
    {
        var machine = Machine(OrderSaga.Definition);

        foreach (var name in new[] { "refund-payment", "release-inventory" })
        {
            var catcher = State(machine, name)["Catch"]!.AsArray().Single()!;
            Assert.Equal(["States.ALL"], Strings(catcher["ErrorEquals"]));
            Assert.Equal("$.compensationError", Text(catcher["ResultPath"])); // $.error, the original failure, stays
            Assert.Equal("compensation-failed", Text(catcher["Next"]));
        }

        var failed = State(machine, "compensation-failed");
        Assert.Equal(("Fail", "Portable.SagaCompensationFailed", "$.compensationError.Cause"), (Text(failed["Type"]), Text(failed["Error"]), Text(failed["CausePath"])));
    }

    [Fact]
    public void Generate_NothingEverUndone_HasNoCompensationFailedState()
    {
        // The pivot first (its compensation never runs) or no compensation at all: the Fail state would be unreachable.
        Assert.Equal(["p1", "s2", "saga-completed", "saga-compensated"], Machine(TestSagas.PivotFirst)["States"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["only", "saga-completed", "saga-compensated"], Machine(TestSagas.OneStep)["States"]!.AsObject().Select(p => p.Key));
        Assert.Equal("saga-compensated", CatchNext(Machine(TestSagas.PivotFirst), "p1"));
    }

    [Fact]
    public void Generate_StepWithoutCompensation_IsSkippedInTheChain()
    {
        var machine = Machine(TestSagas.Gaps);

        Assert.Equal("undo-s1", CatchNext(machine, "s2"));
        Assert.Equal("undo-s1", CatchNext(machine, "s3")); // s2 has nothing to undo
        Assert.Equal("undo-s3", CatchNext(machine, "p4"));
        Assert.Equal("undo-s1", Text(State(machine, "undo-s3")["Next"]));
        Assert.Equal("saga-compensated", Text(State(machine, "undo-s1")["Next"]));
    }

    [Fact]
    public void Generate_SingleAttempt_HasNoRetry()
    {
        Assert.False(State(Machine(TestSagas.OneStep), "only").ContainsKey("Retry"));
        Assert.NotNull(State(Machine(OrderSaga.Definition), "reserve-inventory")["Retry"]);
    }

    [Fact]
    public void Generate_SubSecondFirstDelay_IsRoundedUpToTheOneSecondStepFunctionsAllowsAtLeast()
    {
        var retrier = State(Machine(TestSagas.NoPivot), "a")["Retry"]![0]!;

        Assert.Equal(1, retrier["IntervalSeconds"]!.GetValue<int>());
        Assert.Equal(1, retrier["MaxAttempts"]!.GetValue<int>());
        Assert.Equal(1.5, retrier["BackoffRate"]!.GetValue<double>());
    }

    [Theory]
    [InlineData("order", "OrderSagaFunctionArn")]
    [InlineData("fan-out", "FanOutSagaFunctionArn")]
    [InlineData("pivot-first", "PivotFirstSagaFunctionArn")]
    public void FunctionArnSubstitution_IsThePascalCasedSagaName(string saga, string expected)
    {
        var definition = SagaDefinition.Create(saga).Step("x").Build();

        Assert.Equal(expected, StepFunctionsGenerator.FunctionArnSubstitution(definition));
        Assert.Equal("${" + expected + "}", Text(State(Machine(definition), "x")["Parameters"]!["FunctionName"]));
    }

    [Fact]
    public void Generate_HandlerNamedLikeAnEndState_Throws()
    {
        var saga = SagaDefinition.Create("clash").Step("a", s => s.CompensateWith("saga-compensated")).Step("b").Build();

        var error = Assert.Throws<InvalidOperationException>(() => StepFunctionsGenerator.Generate(saga));
        Assert.Contains("'saga-compensated'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_HandlerNameLongerThanAStateName_Throws()
    {
        var saga = SagaDefinition.Create("long").Step(new string('a', 81)).Build();

        var error = Assert.Throws<InvalidOperationException>(() => StepFunctionsGenerator.Generate(saga));
        Assert.Contains("at most 80", error.Message, StringComparison.Ordinal);
        Assert.NotNull(StepFunctionsGenerator.Generate(SagaDefinition.Create("long").Step(new string('a', 80)).Build()));
    }
}
