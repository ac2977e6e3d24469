using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Json;
using Portable.Core.Messaging;
using Portable.Core.Storage;

namespace Portable.Core.Invocation;

/// <summary>
/// The storage front door of the <see cref="InvocationEngine"/>: runs one <see cref="ObjectCreated"/> event through a
/// storage function and settles it as a queue message is settled — success, transient retry, or permanent
/// dead-letter (a <see cref="PermanentFailureException"/>, or an <see cref="ObjectNotFoundException"/>: the object is
/// gone and retrying will not bring it back), dead-lettered at once through the sink. An event for a key outside the
/// trigger's prefix and suffix succeeds without running the handler. Adapters turn a retry into what makes their
/// platform deliver the event again (an error from the Lambda, a 5xx to Eventarc, a failed blob-trigger run).
/// </summary>
public sealed partial class StorageInvoker
{
    /// <summary>The reason a skipped event succeeds with (its key is outside the trigger's filter).</summary>
    public const string SkippedReason = "Skipped: the key is outside the function's prefix and suffix filter.";

    private readonly InvocationEngine _engine;
    private readonly IDeadLetterSink _deadLetters;
    private readonly MessageResultSettler _settler;

    /// <summary>Creates the front door a host keeps for its whole life.</summary>
    public StorageInvoker(InvocationEngine engine, IDeadLetterSink deadLetters)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(deadLetters);
        _engine = engine;
        _deadLetters = deadLetters;
        var log = engine.Log;
        _settler = new MessageResultSettler("storage", static exception => exception is ObjectNotFoundException, (context, exception) => LogTransient(
                log, exception, ((ObjectCreated)context.Input).Bucket, ((ObjectCreated)context.Input).Key, context.FunctionName, context.DeliveryCount));
    }

    /// <summary>The functions this host serves.</summary>
    public FunctionManifest Manifest => _engine.Manifest;

    /// <summary>The storage function named <paramref name="name"/>; throws a clear error when there is none.</summary>
    public FunctionDefinition GetFunction(string name) =>
        Manifest.Find<StorageTrigger>(name)?.Function
        ?? throw new ArgumentException($"'{name}' is not a storage-triggered function in the manifest.", nameof(name));

    /// <summary>
    /// Runs <paramref name="created"/> through <paramref name="function"/> (delivered for the
    /// <paramref name="deliveryCount"/>th time, when the platform says). Never throws for a handler's fault.
    /// </summary>
    public async ValueTask<MessageResult> InvokeAsync(
        FunctionDefinition function, ObjectCreated created, InvocationInfo info, CancellationToken cancellationToken, int deliveryCount = 1)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(created);
        var trigger = function.Trigger as StorageTrigger
            ?? throw new ArgumentException($"Function '{function.Name}' is not storage-triggered.", nameof(function));
        if (!trigger.Matches(created.Key))
        {
            LogSkipped(_engine.Log, created.Bucket, created.Key, function.Name);
            return new MessageResult(MessageOutcome.Success, SkippedReason);
        }

        var result = await _engine.InvokeAsync<MessageResult, MessageResultSettler>(
            function, created, info, Math.Max(deliveryCount, 1), feature: null, _settler, cancellationToken).ConfigureAwait(false);
        if (result.Outcome != MessageOutcome.DeadLetter)
        {
            return result;
        }

        var reason = result.Reason ?? "Dead-lettered by the handler.";
        var letter = AsDeadLetter(function, created, deliveryCount);
        if (await DeadLetterStep.TrySendAsync(_deadLetters, letter, reason, function.Name, cancellationToken).ConfigureAwait(false) is { } failure)
        {
            LogDeadLetterFailed(_engine.Log, failure, created.Bucket, created.Key, function.Name);
            return MessageResult.Retry(DeadLetterStep.CouldNotReason(reason, failure));
        }

        LogDeadLettered(_engine.Log, created.Bucket, created.Key, function.Name, reason);
        return result;
    }

    /// <summary>
    /// The dead letter of an event: its neutral JSON as the body, from the function (so the SQS sink sends it to
    /// <c>{function}-dlq</c>), with the bucket and key as attributes and the deduplication key (else the key) as id.
    /// </summary>
    public static IncomingMessage AsDeadLetter(FunctionDefinition function, ObjectCreated created, int deliveryCount = 1)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(created);
        return new IncomingMessage
        {
            Id = created.DeduplicationKey ?? $"{created.Bucket}/{created.Key}",
            Body = JsonSerializer.SerializeToUtf8Bytes(created, CoreJsonContext.Default.ObjectCreated),
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal) { ["bucket"] = created.Bucket, ["key"] = created.Key },
            DeliveryCount = Math.Max(deliveryCount, 1),
            EnqueuedAt = created.EventTime,
            Source = function.Name,
        };
    }

    [LoggerMessage(EventId = 8101, Level = LogLevel.Warning, Message = "Object {Bucket}/{Key} failed in {FunctionName} (delivery {DeliveryCount}); it will be retried")]
    private static partial void LogTransient(ILogger logger, Exception exception, string bucket, string key, string functionName, int deliveryCount);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Object {Bucket}/{Key} dead-lettered by {FunctionName}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string bucket, string key, string functionName, string reason);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Error, Message = "Object {Bucket}/{Key} of {FunctionName} could not be dead-lettered; it will be retried")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string bucket, string key, string functionName);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Debug, Message = "Object {Bucket}/{Key} is outside the filter of {FunctionName}; skipped")]
    private static partial void LogSkipped(ILogger logger, string bucket, string key, string functionName);
}
