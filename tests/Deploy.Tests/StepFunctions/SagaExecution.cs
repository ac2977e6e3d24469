using Portable.Core.Sagas;
using Portable.Deploy.StepFunctions;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>Runs generated machines against a <see cref="ScriptedSagaFunction"/> and checks an execution against the saga state it left.</summary>
public static class SagaExecution
{
    /// <summary>Generous: one node process runs every execution, and the machine is shared with other builds.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Runs <paramref name="definitionPath"/> (generated from <paramref name="saga"/>) once per saga id, against
    /// <paramref name="function"/> served as <c>&lt;saga&gt;-saga</c>, Retry pauses set to
    /// zero unless <paramref name="keepPolicyWaits"/> (the policy's own waits are checked once, on their own).
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, StateMachineExecution>> RunAsync(
        SagaDefinition saga,
        string definitionPath,
        ScriptedSagaFunction function,
        IReadOnlyList<string> sagaIds,
        bool keepPolicyWaits = false,
        Action<LambdaInvokeApi>? arrange = null)
    {
        await using var api = await LambdaInvokeApi.StartAsync($"{saga.Name}-saga", function.InvokeAsync);
        arrange?.Invoke(api);
        var executions = await StateMachineRunner.RunAsync(
            definitionPath,
            api.Endpoint,
            [.. sagaIds.Select(id => $$"""{"sagaId":"{{id}}"}""")],
            new Dictionary<string, string> { [StepFunctionsGenerator.FunctionArnSubstitution(saga)] = api.FunctionArn },
            keepPolicyWaits ? null : TimeSpan.Zero,
            Timeout);
        return sagaIds.Zip(executions).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
    }

    /// <summary>Writes the machine generated from <paramref name="saga"/> to a temporary file and returns its path.</summary>
    public static string WriteMachine(SagaDefinition saga)
    {
        var path = Path.Combine(Path.GetTempPath(), $"portable-{saga.Name}-{Guid.NewGuid():N}.asl.json");
        File.WriteAllText(path, StepFunctionsGenerator.Generate(saga).Content);
        return path;
    }

    /// <summary>
    /// The execution agrees with the saga state it left: the saga is finished; a completed saga's execution succeeded,
    /// a compensated or failed one's failed with the matching error; and the Task states it entered are the handler
    /// runs of the saga's history, in order, then the end state.
    /// </summary>
    public static void AssertAgrees(SagaState state, StateMachineExecution execution)
    {
        Assert.True(state.IsTerminal, $"{state.SagaId}: the saga is still {state.Status} after the execution ended.\n{execution}");
        var (end, error) = state.Status switch
        {
            SagaStatus.Completed => (StepFunctionsGenerator.CompletedState, (string?)null),
            SagaStatus.Compensated => (StepFunctionsGenerator.CompensatedState, StepFunctionsGenerator.CompensatedError),
            _ => (StepFunctionsGenerator.CompensationFailedState, StepFunctionsGenerator.CompensationFailedError),
        };
        Assert.True(execution.Succeeded == (error is null) && execution.Error == error, $"{state.SagaId}: saga {state.Status}, execution {execution.Status} {execution.Error}.\n{execution}");
        Assert.Equal([.. state.Steps.Select(s => s.Step), end], execution.StatesEntered);
    }
}
