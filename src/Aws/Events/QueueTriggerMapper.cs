using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;

namespace Portable.Aws.Events;

/// <summary>
/// Queue functions on Lambda: SQS events in (<see cref="SqsEventMapper"/>), the batch through
/// <see cref="MessageInvoker"/> (dead letters go to its sink; a FIFO queue's batch in order per message group, a
/// failure stopping its group), and <c>batchItemFailures</c> out (<see cref="SqsBatchResponseWriter"/>). An event that is not a usable SQS event is answered on <c>/error</c>, which
/// makes SQS deliver the whole batch again.
/// </summary>
public sealed partial class QueueTriggerMapper : LambdaTriggerMapper<QueueTrigger>
{
    /// <inheritdoc />
    public override string Description => "queue (SQS)";

    /// <summary>
    /// Answers each invocation of <paramref name="function"/> (queue-triggered) through <paramref name="invoker"/>. The
    /// batch's tally is logged at Debug only (Lambda logs every invocation itself; failures are logged by the invoker).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="function"/> is not queue-triggered.</exception>
    public static LambdaEventHandler Answer(MessageInvoker invoker, FunctionDefinition function, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(logger);
        var trigger = function.Trigger as QueueTrigger ?? throw new ArgumentException($"Function '{function.Name}' is not queue-triggered.", nameof(function));
        return async (invocation, cancellationToken) =>
        {
            if (!SqsEventMapper.TryMap(invocation.Payload, out var batch, out var error))
            {
                LogUnsupported(logger, invocation.RequestId, error.ErrorType, error.ErrorMessage);
                return LambdaAnswer.Fail(error);
            }

            var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, null, invocation.TraceId);
            var fifo = batch.IsFifo || trigger.Options.Fifo;
            var settlements = await invoker.InvokeAsync(function, batch.Messages, fifo, info, cancellationToken).ConfigureAwait(false);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogSettled(logger, settlements);
            }

            return LambdaAnswer.Respond(SqsBatchResponseWriter.Write(batch.Messages, settlements, fifo));
        };
    }

    /// <inheritdoc />
    protected override LambdaEventHandler Bind(FunctionDefinition function, QueueTrigger trigger, IServiceProvider services, ILogger logger) =>
        Answer(services.GetRequiredService<MessageInvoker>(), function, logger);

    private static void LogSettled(ILogger logger, IReadOnlyList<MessageSettlement> settlements)
    {
        int succeeded = 0, retried = 0, deadLettered = 0;
        foreach (var settlement in settlements)
        {
            _ = settlement.Outcome switch
            {
                MessageOutcome.Success => succeeded++,
                MessageOutcome.Retry => retried++,
                _ => deadLettered++,
            };
        }

        LogBatch(logger, settlements.Count, succeeded, retried, deadLettered);
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Debug, Message = "SQS batch of {Count}: {Succeeded} succeeded, {Retried} to retry, {DeadLettered} dead-lettered")]
    private static partial void LogBatch(ILogger logger, int count, int succeeded, int retried, int deadLettered);

    [LoggerMessage(EventId = 3202, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not a usable SQS event ({ErrorType}): {ErrorMessage}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string errorType, string errorMessage);
}
