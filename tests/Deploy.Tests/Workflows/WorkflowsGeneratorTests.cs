using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Deploy.Workflows;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>What <see cref="WorkflowsGenerator"/> writes for each step, read back from the YAML, and what it refuses.</summary>
public class WorkflowsGeneratorTests
{
    [Fact]
    public void Generate_OrderSaga_IsOneDeterministicFileNamedAfterTheSaga()
    {
        var first = WorkflowsGenerator.Generate(OrderSaga.Definition, "order-saga");
        var second = WorkflowsGenerator.Generate(OrderSaga.Definition, "order-saga");

        Assert.Equal("gcp/order-saga.workflows.yaml", first.Path);
        Assert.Equal(first.Content, second.Content);
        Assert.EndsWith("\n", first.Content, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', first.Content);
        Assert.Equal(["main", "is_transient", "failure_reason"], Document(first.Content).Keys);
    }

    public static TheoryData<string, string> Handlers => new()
    {
        { OrderSaga.ReserveInventory, "do" },
        { OrderSaga.ChargePayment, "do" },
        { OrderSaga.CreateShipment, "do" },
        { OrderSaga.NotifyCustomer, "do" },
        { OrderSaga.RefundPayment, "undo" },
        { OrderSaga.ReleaseInventory, "undo" },
    };

    [Theory]
    [MemberData(nameof(Handlers))]
    public void Generate_EachHandler_RetriesAndTimesOutPerItsStepsDefinition(string handler, string phase)
    {
        OrderSaga.Definition.TryFindHandler(handler, out var step, out _);
        var call = Step(Document(OrderSagaWorkflow.File.Content), handler.Replace('-', '_') + "_call");

        var retry = (Dictionary<string, object?>)call["retry"]!;
        var backoff = (Dictionary<string, object?>)retry["backoff"]!;
        Assert.Equal("${is_transient}", retry["predicate"]);
        Assert.Equal((long)step.Retry.MaxAttempts - 1, retry["max_retries"]);
        var initial = Math.Ceiling(step.Retry.FirstDelay.TotalSeconds);
        Assert.Equal((long)initial, backoff["initial_delay"]);
        Assert.Equal((long)step.Retry.BackoffCoefficient, backoff["multiplier"]);
        Assert.Equal((long)(initial * Math.Pow(step.Retry.BackoffCoefficient, step.Retry.MaxAttempts - 2)), backoff["max_delay"]);

        var post = Post(call);
        Assert.Equal("http.post", post["call"]);
        var args = (Dictionary<string, object?>)post["args"]!;
        Assert.Equal((long)(step.Timeout + WorkflowsGenerator.TimeoutBackstop).TotalSeconds, args["timeout"]);
        var body = (Dictionary<string, object?>)args["body"]!;
        Assert.Equal(["saga", "sagaId", "step", "phase", "attempt"], body.Keys);
        Assert.Equal(handler, body["step"]);
        Assert.Equal(phase, body["phase"]);
    }

    [Fact]
    public void Generate_OrderSaga_LeavesOutThePivotsCompensationNothingCanReach()
    {
        var steps = StepNames(Document(OrderSagaWorkflow.File.Content));

        Assert.DoesNotContain("cancel_shipment", steps);
        Assert.Equal(
            ["init", "check_service_url", "reserve_inventory", "reserve_inventory_call", "charge_payment", "charge_payment_call",
                "create_shipment", "create_shipment_call", "notify_customer", "notify_customer_call", "completed",
                "refund_payment", "refund_payment_call", "release_inventory", "release_inventory_call", "compensated", "failed"],
            steps);
    }

    [Fact]
    public void Generate_StepWithOneAttempt_CatchesButDoesNotRetry()
    {
        var call = Step(Document(WorkflowsGenerator.Generate(SagaShapes.All["gaps"], "trip-saga").Content), "hold_seat_call");

        Assert.False(call.ContainsKey("retry"));
        Assert.True(call.ContainsKey("except"));
    }

    [Fact]
    public void Generate_SagaWithoutCompensations_HasNoFailedEnding()
    {
        var saga = SagaDefinition.Create("ping").Step("ping", s => s.Retry(2, TimeSpan.FromSeconds(1))).Build();

        var steps = StepNames(Document(WorkflowsGenerator.Generate(saga, "ping").Content));

        Assert.Equal(["init", "check_service_url", "ping", "ping_call", "completed", "compensated"], steps);
    }

    [Fact]
    public void Generate_HandlersThatBecomeTheSameStepName_AreRefused()
    {
        var saga = SagaDefinition.Create("clash").Step("ship-it", s => s.CompensateWith("ship_it")).Step("x").Build();

        var error = Assert.Throws<ArgumentException>(() => WorkflowsGenerator.Generate(saga, "clash"));

        Assert.Contains("'ship-it' and 'ship_it'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("completed")]
    [InlineData("init")]
    [InlineData("failure-reason")]
    public void Generate_HandlerNamedLikeAStepTheWorkflowUses_IsRefused(string handler)
    {
        var saga = SagaDefinition.Create("odd").Step("first", s => s.CompensateWith(handler)).Step("second").Build();

        var error = Assert.Throws<ArgumentException>(() => WorkflowsGenerator.Generate(saga, "odd"));

        Assert.Contains($"'{handler}'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1500, 2, 2, 2)]
    [InlineData(1000, 1.5, 1, 2)]
    [InlineData(500, 2, 1, 2)]
    public void Generate_BackoffNotInWholeNumbers_IsRoundedUpAndSaidSoInTheHeader(int firstDelayMilliseconds, double coefficient, long initial, long multiplier)
    {
        var saga = SagaDefinition.Create("fine")
            .Step("measure", s => s.Retry(3, TimeSpan.FromMilliseconds(firstDelayMilliseconds), coefficient))
            .Build();

        var yaml = WorkflowsGenerator.Generate(saga, "fine").Content;

        var backoff = (Dictionary<string, object?>)((Dictionary<string, object?>)Step(Document(yaml), "measure_call")["retry"]!)["backoff"]!;
        Assert.Equal((initial, multiplier, initial * multiplier), ((long)backoff["initial_delay"]!, (long)backoff["multiplier"]!, (long)backoff["max_delay"]!));
        Assert.Contains($"# measure: retries wait {initial} s, then x{multiplier} each time;", yaml, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_BackoffInWholeNumbers_AddsNoNote()
    {
        Assert.DoesNotContain("rounded up", WorkflowsGenerator.Generate(SagaShapes.All["gaps"], "trip").Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("order saga")]
    [InlineData("orders/step")]
    [InlineData("")]
    public void Generate_StepFunctionNotAPathSegment_IsRefused(string stepFunction)
    {
        Assert.ThrowsAny<ArgumentException>(() => WorkflowsGenerator.Generate(OrderSaga.Definition, stepFunction));
    }

    private static Dictionary<string, object?> Document(string yaml) => (Dictionary<string, object?>)YamlValues.Load(yaml)!;

    private static List<object?> MainSteps(Dictionary<string, object?> document) =>
        (List<object?>)((Dictionary<string, object?>)document["main"]!)["steps"]!;

    private static List<string> StepNames(Dictionary<string, object?> document) =>
        MainSteps(document).Select(s => ((Dictionary<string, object?>)s!).Keys.Single()).ToList();

    private static Dictionary<string, object?> Step(Dictionary<string, object?> document, string name) =>
        (Dictionary<string, object?>)MainSteps(document).Cast<Dictionary<string, object?>>().Single(s => s.ContainsKey(name))[name]!;

    private static Dictionary<string, object?> Post(Dictionary<string, object?> call)
    {
        var attempt = (List<object?>)((Dictionary<string, object?>)call["try"]!)["steps"]!;
        return (Dictionary<string, object?>)((Dictionary<string, object?>)attempt[1]!).Values.Single()!;
    }
}
