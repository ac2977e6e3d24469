using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Deploy.Workflows;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>The generated order-saga workflow, and runs of it against a scripted step service.</summary>
public static class OrderSagaWorkflow
{
    /// <summary>The manifest name of the function that runs one saga step (the Cloud Run path <c>/order-saga</c>).</summary>
    public const string StepFunction = OrderSaga.StepFunctionName;

    /// <summary>The generated file for <see cref="OrderSaga.Definition"/>.</summary>
    public static DeployFile File { get; } = WorkflowsGenerator.Generate(OrderSaga.Definition, StepFunction);

    /// <summary>The environment the tests deploy the workflow with.</summary>
    public static IReadOnlyDictionary<string, string> Environment { get; } =
        new Dictionary<string, string>(StringComparer.Ordinal) { [WorkflowsGenerator.ServiceUrlVariable] = ScriptedStepService.ServiceUrl };

    /// <summary>The execution argument for order <paramref name="orderId"/>.</summary>
    public static Dictionary<string, object?> Argument(string orderId = "order-42") =>
        new(StringComparer.Ordinal) { ["sagaId"] = orderId };

    /// <summary>Runs <paramref name="yaml"/> (the order saga's workflow unless given) for order-42 against <paramref name="service"/>.</summary>
    public static WorkflowRun Run(ScriptedStepService service, string? yaml = null, IReadOnlyDictionary<string, string>? environment = null) =>
        new WorkflowInterpreter(yaml ?? File.Content, environment ?? Environment, service).Run(Argument());

    /// <summary>Generates <paramref name="saga"/>'s workflow and runs it against <paramref name="service"/>.</summary>
    public static WorkflowRun Run(SagaDefinition saga, ScriptedStepService service) =>
        Run(service, WorkflowsGenerator.Generate(saga, StepFunction).Content);
}
