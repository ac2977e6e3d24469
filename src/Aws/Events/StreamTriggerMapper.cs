using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Streams;

namespace Portable.Aws.Events;

/// <summary>
/// Stream functions on Lambda: Kinesis and DynamoDB Streams events in (<see cref="StreamEventMapper"/>), the batch
/// through <see cref="StreamInvoker"/> in order per partition key, and <c>batchItemFailures</c> naming the first failed
/// sequence number of each stopped partition out (<see cref="StreamBatchResponseWriter"/>). The event source mapping
/// must have <c>FunctionResponseTypes: [ReportBatchItemFailures]</c>, or Lambda ignores the list and checkpoints past
/// the whole batch. An event that is not a usable stream event is answered on <c>/error</c>: Lambda then retries the
/// whole batch, and with the mapping's defaults (<c>MaximumRetryAttempts</c> -1) holds the shard until it expires.
/// </summary>
public sealed partial class StreamTriggerMapper : LambdaTriggerMapper<StreamTrigger>
{
    /// <inheritdoc />
    public override string Description => "stream (Kinesis, DynamoDB Streams)";

    /// <summary>Answers each invocation of <paramref name="function"/> (stream-triggered) through <paramref name="invoker"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="function"/> is not stream-triggered.</exception>
    public static LambdaEventHandler Answer(StreamInvoker invoker, FunctionDefinition function, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(logger);
        if (function.Trigger is not StreamTrigger)
        {
            throw new ArgumentException($"Function '{function.Name}' is not stream-triggered.", nameof(function));
        }

        return async (invocation, cancellationToken) =>
        {
            if (!StreamEventMapper.TryMap(invocation.Payload, out var batch, out var error))
            {
                LogUnsupported(logger, invocation.RequestId, error.ErrorType, error.ErrorMessage);
                return LambdaAnswer.Fail(error);
            }

            var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, null, invocation.TraceId);
            var result = await invoker.InvokeAsync(function, batch.Records, info, cancellationToken).ConfigureAwait(false);
            if (logger.IsEnabled(LogLevel.Debug))
            {
                LogBatch(logger, batch.EventSource, batch.Records.Count, result.FirstFailures.Count);
            }

            return LambdaAnswer.Respond(StreamBatchResponseWriter.Write(result));
        };
    }

    /// <inheritdoc />
    protected override LambdaEventHandler Bind(FunctionDefinition function, StreamTrigger trigger, IServiceProvider services, ILogger logger) =>
        Answer(services.GetRequiredService<StreamInvoker>(), function, logger);

    [LoggerMessage(EventId = 3501, Level = LogLevel.Debug, Message = "{EventSource} batch of {Count}: {StoppedPartitions} partitions stopped")]
    private static partial void LogBatch(ILogger logger, string eventSource, int count, int stoppedPartitions);

    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not a usable stream event ({ErrorType}): {ErrorMessage}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string errorType, string errorMessage);
}
