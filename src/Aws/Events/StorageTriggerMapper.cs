using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Idempotency;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Storage;

namespace Portable.Aws.Events;

/// <summary>
/// Storage functions on Lambda: S3 event notifications and EventBridge "Object Created" events in
/// (<see cref="S3EventMapper"/>), each created object through <see cref="StorageInvoker"/> in the event's order.
/// S3 and EventBridge invoke Lambda asynchronously, and an asynchronous invocation that fails is retried by Lambda
/// (twice by default, then sent to the function's on-failure destination or dead-letter queue:
/// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html), always as the whole event. So:
/// when any object of the event needs a retry, the invocation fails on <c>/error</c> as
/// <see cref="RetryErrorType"/>, naming them; the objects that succeeded are deduplicated on the retry by the
/// idempotency records, and the permanently failed ones were dead-lettered at once and are not retried. Otherwise the
/// answer is a tally: <c>{"status":"succeeded","succeeded","duplicates","skipped","deadLettered"}</c>. The S3 test event, records that are not object creations and keys outside the trigger's filter
/// succeed without running the handler; a keep-warm ping is answered before any work; an event that is not from S3
/// is refused on <c>/error</c> naming the problem (Lambda's retries of it fail the same way, then it goes where failed
/// events go).
/// </summary>
public sealed partial class StorageTriggerMapper : LambdaTriggerMapper<StorageTrigger>
{
    /// <summary>The error type of an invocation with an object to retry.</summary>
    public const string RetryErrorType = "Function.StorageEventRetry";

    private static readonly byte[] Warmed = """{"status":"warm"}"""u8.ToArray();
    private static readonly byte[] TestEventAnswer = """{"status":"test-event"}"""u8.ToArray();

    /// <inheritdoc />
    public override string Description => "storage (S3 event notifications, EventBridge \"Object Created\")";

    /// <summary>Answers each invocation of <paramref name="function"/> (storage-triggered) through <paramref name="invoker"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="function"/> is not storage-triggered.</exception>
    public static LambdaEventHandler Answer(StorageInvoker invoker, TimeProvider time, FunctionDefinition function, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(logger);
        _ = function.Trigger as StorageTrigger ?? throw new ArgumentException($"Function '{function.Name}' is not storage-triggered.", nameof(function));
        return async (invocation, cancellationToken) =>
        {
            if (Warmup.IsWarmer(invocation.Payload.Span))
            {
                return LambdaAnswer.Respond(Warmed);
            }

            if (!S3EventMapper.TryMap(invocation.Payload, out var batch, out var error))
            {
                LogUnsupported(logger, invocation.RequestId, error.ErrorType, error.ErrorMessage);
                return LambdaAnswer.Fail(error);
            }

            if (batch.IsTestEvent)
            {
                LogTestEvent(logger, invocation.RequestId);
                return LambdaAnswer.Respond(TestEventAnswer);
            }

            foreach (var reason in batch.Ignored)
            {
                LogIgnored(logger, invocation.RequestId, reason);
            }

            var tally = new Tally();
            var retries = new List<string>();
            for (var i = 0; i < batch.Objects.Count; i++)
            {
                var created = batch.Objects[i];
                MessageResult result;
                if (invocation.Deadline is { } deadline && time.GetUtcNow() >= deadline)
                {
                    // Lambda has stopped waiting: starting now would only race the retry it is about to make.
                    result = MessageResult.Retry("Not attempted: the invocation's deadline had passed.");
                }
                else
                {
                    var id = batch.Objects.Count == 1 ? invocation.RequestId : $"{invocation.RequestId}/{i.ToString(CultureInfo.InvariantCulture)}";
                    result = await invoker.InvokeAsync(function, created, new InvocationInfo(id, invocation.Deadline, null, invocation.TraceId), cancellationToken).ConfigureAwait(false);
                }

                tally.Add(result);
                if (result.Outcome == MessageOutcome.Retry)
                {
                    retries.Add($"{created.Bucket}/{created.Key}: {result.Reason}");
                }
            }

            return retries.Count == 0
                ? LambdaAnswer.Respond(tally.ToJson(batch.Ignored.Count))
                : LambdaAnswer.Fail(new LambdaError(
                    RetryErrorType,
                    $"{retries.Count.ToString(CultureInfo.InvariantCulture)} of {batch.Objects.Count.ToString(CultureInfo.InvariantCulture)} objects must be retried (Lambda retries the whole event; objects already done are not run again): {string.Join("; ", retries)}"));
        };
    }

    /// <inheritdoc />
    protected override LambdaEventHandler Bind(FunctionDefinition function, StorageTrigger trigger, IServiceProvider services, ILogger logger) =>
        Answer(services.GetRequiredService<StorageInvoker>(), services.GetRequiredService<TimeProvider>(), function, logger);

    [LoggerMessage(EventId = 3601, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not a usable S3 event ({ErrorType}): {ErrorMessage}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string errorType, string errorMessage);

    [LoggerMessage(EventId = 3602, Level = LogLevel.Information, Message = "Invocation {RequestId} is the S3 test event; nothing to run")]
    private static partial void LogTestEvent(ILogger logger, string requestId);

    [LoggerMessage(EventId = 3603, Level = LogLevel.Information, Message = "Invocation {RequestId}: ignored ({Reason})")]
    private static partial void LogIgnored(ILogger logger, string requestId, string reason);

    /// <summary>What became of the objects of one event.</summary>
    private sealed class Tally
    {
        private int _succeeded;
        private int _duplicates;
        private int _skipped;
        private int _deadLettered;

        public void Add(MessageResult result)
        {
            if (result.Outcome == MessageOutcome.DeadLetter)
            {
                _deadLettered++;
            }
            else if (result.Outcome == MessageOutcome.Success && string.Equals(result.Reason, StorageInvoker.SkippedReason, StringComparison.Ordinal))
            {
                _skipped++;
            }
            else if (result.Outcome == MessageOutcome.Success && string.Equals(result.Reason, StorageIdempotencyMiddleware.DuplicateReason, StringComparison.Ordinal))
            {
                _duplicates++;
            }
            else if (result.Outcome == MessageOutcome.Success)
            {
                _succeeded++;
            }
        }

        public byte[] ToJson(int ignored)
        {
            var buffer = new ArrayBufferWriter<byte>(96);
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("status", "succeeded");
                writer.WriteNumber("succeeded", _succeeded);
                writer.WriteNumber("duplicates", _duplicates);
                writer.WriteNumber("skipped", _skipped + ignored);
                writer.WriteNumber("deadLettered", _deadLettered);
                writer.WriteEndObject();
            }

            return buffer.WrittenSpan.ToArray();
        }
    }
}
