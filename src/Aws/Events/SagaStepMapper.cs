using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Sagas;

namespace Portable.Aws.Events;

/// <summary>
/// A saga's step function on Lambda, invoked by a Step Functions Task (<c>arn:aws:states:::lambda:invoke</c>) with a
/// <see cref="SagaStepRequest"/> as its payload. A handler that succeeded answers <c>{"outcome":"succeeded"}</c>; one
/// that failed answers on <c>/error</c> with the error type <see cref="SagaStepReply.FailedErrorType"/> (for the state
/// machine's <c>Catch</c>) or <see cref="SagaStepReply.TransientErrorType"/> (for its <c>Retry</c>), the reason as the
/// message. A payload that is not a step request of this saga is refused as <c>Portable.UnsupportedEvent</c>.
/// </summary>
public sealed partial class SagaStepMapper : LambdaTriggerMapper<SagaStepTrigger>
{
    private static readonly byte[] Warmed = """{"status":"warm"}"""u8.ToArray();

    /// <inheritdoc />
    public override string Description => "saga step (Step Functions Task)";

    /// <summary>Answers each invocation of <paramref name="function"/> (a saga step function) through <paramref name="invoker"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="function"/> is not a saga step function.</exception>
    public static LambdaEventHandler Answer(SagaStepInvoker invoker, FunctionDefinition function, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(logger);
        var trigger = function.Trigger as SagaStepTrigger ?? throw new ArgumentException($"Function '{function.Name}' is not a saga step function.", nameof(function));
        return async (invocation, cancellationToken) =>
        {
            if (Warmup.IsWarmer(invocation.Payload.Span))
            {
                return LambdaAnswer.Respond(Warmed);
            }

            if (!SagaStepRequest.TryParse(invocation.Payload.Span, trigger.Definition, out var request, out var error))
            {
                LogUnsupported(logger, invocation.RequestId, error);
                return LambdaAnswer.Fail(new LambdaError("Portable.UnsupportedEvent", error));
            }

            var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, null, invocation.TraceId);
            var result = await invoker.InvokeAsync(function, request, info, cancellationToken).ConfigureAwait(false);
            return result.Kind switch
            {
                SagaStepResultKind.Succeeded => LambdaAnswer.Respond(SagaStepReply.From(result).ToJson()),
                SagaStepResultKind.Failed => LambdaAnswer.Fail(new LambdaError(SagaStepReply.FailedErrorType, result.Reason!)),
                _ => LambdaAnswer.Fail(new LambdaError(SagaStepReply.TransientErrorType, result.Reason!)),
            };
        };
    }

    /// <inheritdoc />
    protected override LambdaEventHandler Bind(FunctionDefinition function, SagaStepTrigger trigger, IServiceProvider services, ILogger logger) =>
        Answer(services.GetRequiredService<SagaStepInvoker>(), function, logger);

    [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not a saga step request: {Error}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string error);
}
