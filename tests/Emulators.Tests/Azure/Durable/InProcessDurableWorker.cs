using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Protobuf;
using Microsoft.DurableTask.Worker.Grpc;
using Portable.Emulators.Azure.Durable;

namespace Portable.Emulators.Tests.Azure.Durable;

/// <summary>
/// Stands in for the isolated worker: orchestrators run in Durable's real engine through
/// <see cref="GrpcOrchestrationRunner.LoadAndRun{TInput,TOutput}"/>, the very call the Functions worker extension
/// makes with the trigger's base64 OrchestratorRequest; activities are plain C#, and fail as the 1.21 worker fails
/// them (a DurableSerializationException whose message is the failure details as JSON).
/// </summary>
internal sealed class InProcessDurableWorker : IDurableFunctionInvoker
{
    private readonly Dictionary<string, Func<string, Task<DurableInvocationResult>>> orchestrators = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Func<string, IReadOnlyDictionary<string, string>, Task<string?>>> activities = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<(string Function, string TriggerValue, IReadOnlyDictionary<string, string> Metadata)> Invocations { get; } = new();

    /// <summary>Every OrchestratorRequest the hub sent, decoded.</summary>
    public ConcurrentQueue<OrchestratorRequest> OrchestratorRequests { get; } = new();

    public Func<string, DurableFunctionKind> Functions => name =>
        orchestrators.ContainsKey(name) ? DurableFunctionKind.Orchestrator
        : activities.ContainsKey(name) ? DurableFunctionKind.Activity
        : DurableFunctionKind.None;

    public InProcessDurableWorker Orchestrator<TIn, TOut>(string name, Func<TaskOrchestrationContext, TIn?, Task<TOut?>> body) =>
        RawOrchestrator(name, encoded => DurableInvocationResult.Success(GrpcOrchestrationRunner.LoadAndRun(encoded, body)));

    /// <summary>An orchestrator answering the encoded request as it likes (a worker that misbehaves).</summary>
    public InProcessDurableWorker RawOrchestrator(string name, Func<string, DurableInvocationResult> run) =>
        RawOrchestrator(name, encoded => Task.FromResult(run(encoded)));

    /// <summary>An orchestrator whose invocation takes its time (the worker busy elsewhere).</summary>
    public InProcessDurableWorker RawOrchestrator(string name, Func<string, Task<DurableInvocationResult>> run)
    {
        orchestrators[name] = run;
        return this;
    }

    public InProcessDurableWorker Activity<TIn, TOut>(string name, Func<TIn?, string, Task<TOut>> body)
    {
        activities[name] = async (json, metadata) =>
        {
            var result = await body(JsonSerializer.Deserialize<TIn>(json), metadata["instanceId"]);
            return JsonSerializer.Serialize(result);
        };
        return this;
    }

    public int CountOf(string function) => Invocations.Count(i => string.Equals(i.Function, function, StringComparison.OrdinalIgnoreCase));

    public async Task<DurableInvocationResult> InvokeAsync(
        string functionName, string triggerValue, IReadOnlyDictionary<string, string> triggerMetadata, CancellationToken cancellationToken)
    {
        Invocations.Enqueue((functionName, triggerValue, triggerMetadata));
        if (orchestrators.TryGetValue(functionName, out var orchestrator))
        {
            OrchestratorRequests.Enqueue(OrchestratorRequest.Parser.ParseFrom(Convert.FromBase64String(triggerValue)));
            try
            {
                return await orchestrator(triggerValue);
            }
            catch (Exception e)
            {
                // The worker's InvocationResponse Failure: the exception's type and message.
                return DurableInvocationResult.Failure(e.GetType().FullName!, e.Message);
            }
        }

        try
        {
            return DurableInvocationResult.Success(await activities[functionName](triggerValue, triggerMetadata));
        }
        catch (Exception e)
        {
            var details = JsonSerializer.Serialize(new { errorType = e.GetType().FullName, errorMessage = e.Message, stackTrace = e.StackTrace });
            return DurableInvocationResult.Failure(
                "Microsoft.Azure.Functions.Worker.Extensions.DurableTask.Exceptions.DurableSerializationException", details);
        }
    }
}
