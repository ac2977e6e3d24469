using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Sagas;

namespace Portable.Core.Invocation;

/// <summary>
/// The saga-step front door of the <see cref="InvocationEngine"/>: runs one <see cref="SagaStepRequest"/> through a
/// step function and settles it as the handler's result. A fault escaping the handler, or the invocation's deadline,
/// is a transient result, so the orchestrator retries it per the step's policy. Adapters send the result as their
/// orchestrator expects (see <see cref="SagaStepReply"/>).
/// </summary>
public sealed partial class SagaStepInvoker
{
    private readonly InvocationEngine _engine;

    /// <summary>Creates the front door a host keeps for its whole life.</summary>
    public SagaStepInvoker(InvocationEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
    }

    /// <summary>The functions this host serves.</summary>
    public FunctionManifest Manifest => _engine.Manifest;

    /// <summary>Runs <paramref name="request"/> through <paramref name="function"/>. Never throws for a handler's fault.</summary>
    public ValueTask<SagaStepResult> InvokeAsync(FunctionDefinition function, SagaStepRequest request, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(request);
        if (function.Trigger is not SagaStepTrigger)
        {
            throw new ArgumentException($"Function '{function.Name}' is not a saga step function.", nameof(function));
        }

        return _engine.InvokeAsync<SagaStepResult, Settler>(function, request, info, deliveryCount: 1, feature: null, new Settler(_engine.Log), cancellationToken);
    }

    private readonly struct Settler(ILogger log) : IInvocationSettler<SagaStepResult>
    {
        public SagaStepResult Completed(FunctionContext context)
        {
            var result = context.Result is SagaStepResult done
                ? done
                : throw new InvalidOperationException($"Function '{context.FunctionName}' produced no saga step result.");
            var request = (SagaStepRequest)context.Input;
            LogCompleted(log, request.Saga, request.SagaId, request.Step, result.Kind, context.InvocationId);
            return result;
        }

        public SagaStepResult Faulted(FunctionContext context, Exception exception)
        {
            var request = (SagaStepRequest)context.Input;
            LogFaulted(log, exception, request.Saga, request.SagaId, request.Step, context.InvocationId);
            return SagaStepResult.Transient($"{exception.GetType().Name}: {exception.Message}");
        }

        public SagaStepResult TimedOut(FunctionContext context) => SagaStepResult.Transient("The step function did not finish before its deadline.");

        public string OutcomeOf(SagaStepResult result) => result.Kind == SagaStepResultKind.Succeeded ? "Success" : "Error";
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Saga {Saga}/{SagaId}: {Step} answered {Result} (invocation {InvocationId})")]
    private static partial void LogCompleted(ILogger logger, string saga, string sagaId, string step, SagaStepResultKind result, string invocationId);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "Saga {Saga}/{SagaId}: {Step} faulted (invocation {InvocationId})")]
    private static partial void LogFaulted(ILogger logger, Exception exception, string saga, string sagaId, string step, string invocationId);
}
