namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// How the task hub reaches the worker: one invocation of an <c>orchestrationTrigger</c> or <c>activityTrigger</c>
/// function, as the Functions host sends it over FunctionRpc (digest §5.1, §5.2). The FunctionRpc emulator implements
/// it with an <c>InvocationRequest</c> whose trigger binding carries the trigger value as
/// <c>TypedData.string</c>; tests implement it with Durable's own orchestration engine in-process.
/// </summary>
public interface IDurableFunctionInvoker
{
    /// <summary>
    /// Invokes <paramref name="functionName"/> once. For an orchestrator <paramref name="triggerValue"/> is
    /// base64(<c>OrchestratorRequest</c>) and the result's return value base64(<c>OrchestratorResponse</c>); for an
    /// activity it is the JSON of the single (unwrapped) argument, <paramref name="triggerMetadata"/> holds
    /// <c>instanceId</c>, and the return value is the JSON of the activity's result.
    /// </summary>
    Task<DurableInvocationResult> InvokeAsync(
        string functionName,
        string triggerValue,
        IReadOnlyDictionary<string, string> triggerMetadata,
        CancellationToken cancellationToken);
}
