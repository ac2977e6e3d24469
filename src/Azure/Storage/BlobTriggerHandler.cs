using Microsoft.Extensions.Logging;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using CoreFunction = Portable.Core.Functions.FunctionDefinition;

namespace Portable.Azure.Storage;

/// <summary>
/// Runs a storage function on one blob-trigger invocation through Core's <see cref="StorageInvoker"/> (which applies
/// the prefix and suffix filter, deduplicates on <see cref="ObjectCreated.DeduplicationKey"/> — container, blob name
/// and entity tag — and dead-letters permanent failures). The host does not hand the worker the blob's entity tag (its
/// <c>Properties</c> JSON carries <c>"ETag":{}</c>), so when the event has none the handler asks the store for the blob's
/// properties (one Get Blob Properties, no content): the entity tag, size, type and version of the blob as it is now,
/// which is what the handler is about to read, and what the host itself checked before it invoked (it runs a blob
/// trigger only while the blob still has the entity tag it was queued with). A blob gone by then succeeds without
/// running, as the host drops the trigger of a blob that no longer exists.
/// </summary>
public sealed partial class BlobTriggerHandler
{
    /// <summary>The reason an invocation for a blob deleted since its trigger succeeds with.</summary>
    public const string GoneReason = "Skipped: the blob no longer exists.";

    private readonly StorageInvoker _invoker;
    private readonly BlobObjectStore? _store;
    private readonly ILogger _log;

    /// <summary>Creates the handler over the app's storage invoker; <paramref name="store"/> is null without a storage account.</summary>
    public BlobTriggerHandler(StorageInvoker invoker, ILogger<BlobTriggerHandler> log, BlobObjectStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(log);
        _invoker = invoker;
        _store = store;
        _log = log;
    }

    /// <summary>Completes <paramref name="created"/> from the store when it has no entity tag, then runs <paramref name="function"/> on it.</summary>
    public async Task<MessageResult> RunAsync(CoreFunction function, ObjectCreated created, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(created);
        var trigger = function.Trigger as StorageTrigger
            ?? throw new ArgumentException($"Function '{function.Name}' is not storage-triggered.", nameof(function));
        if (created.ETag is null && _store is not null && trigger.Matches(created.Key))
        {
            var current = await _store.DescribeAsync(created.Bucket, created.Key, created.Version, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                LogGone(_log, created.Bucket, created.Key, function.Name);
                return new MessageResult(MessageOutcome.Success, GoneReason);
            }

            created = created with
            {
                ETag = current.ETag,
                Size = current.Size ?? created.Size,
                ContentType = current.ContentType ?? created.ContentType,
                Version = current.Version ?? created.Version,
                EventTime = created.EventTime ?? current.EventTime,
            };
        }

        var result = await _invoker.InvokeAsync(function, created, info, cancellationToken).ConfigureAwait(false);
        if (result.Outcome == MessageOutcome.Retry)
        {
            LogRetry(_log, created.Bucket, created.Key, function.Name, result.Reason);
        }

        return result;
    }

    [LoggerMessage(EventId = 3801, Level = LogLevel.Information, Message = "Blob {Container}/{BlobName} of {FunctionName} no longer exists; nothing to run")]
    private static partial void LogGone(ILogger logger, string container, string blobName, string functionName);

    [LoggerMessage(EventId = 3802, Level = LogLevel.Warning, Message = "Blob {Container}/{BlobName} failed in {FunctionName}; the invocation fails for the host to retry: {Reason}")]
    private static partial void LogRetry(ILogger logger, string container, string blobName, string functionName, string? reason);
}
