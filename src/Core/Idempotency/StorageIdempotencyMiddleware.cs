using System.Security.Cryptography;
using System.Text;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Storage;

namespace Portable.Core.Idempotency;

/// <summary>
/// One run per upload, however often its event is delivered (S3 notifications, EventBridge, Eventarc and blob triggers
/// all deliver at least once, and an upload can reach a function by two routes). Keyed by the event's
/// <see cref="ObjectCreated.DeduplicationKey"/> (bucket, key and version, else entity tag, else sequencer) in the same
/// records as <see cref="MessageIdempotencyMiddleware"/>: the first delivery claims the key (in progress, expiring
/// with the deadline so a crashed attempt can be retried), completes it on success (kept 24 h); a later delivery of a
/// completed key succeeds (with <see cref="DuplicateReason"/>) without running; one racing an attempt in progress is retried later, never run twice. A
/// failed or dead-lettered attempt releases its claim, so the platform's retry runs again. An event without any of the
/// three tags runs every time: it cannot be told from a new upload.
/// </summary>
public sealed class StorageIdempotencyMiddleware(IdempotencyRecords records) : IFunctionMiddleware
{
    /// <summary>The reason a suppressed duplicate succeeds with, so an adapter can tell it from a run.</summary>
    public const string DuplicateReason = "Duplicate: this upload was already handled.";

    /// <summary>True for object-created invocations whose function has not turned idempotency off.</summary>
    public static bool AppliesTo(FunctionContext context) =>
        context is { Input: ObjectCreated, Function.Trigger: StorageTrigger { DisableIdempotency: false } };

    /// <summary>
    /// The record key of <paramref name="deduplicationKey"/> for <paramref name="function"/>: the key's SHA-256, since an
    /// object key alone may be 1 KiB, as long as a DynamoDB sort key may be.
    /// </summary>
    public static string RecordKey(string function, string deduplicationKey)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(deduplicationKey);
        return $"{function}:obj:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(deduplicationKey)))}";
    }

    /// <inheritdoc />
    public async ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var created = (ObjectCreated)context.Input;
        if (created.DeduplicationKey is not { } deduplicationKey)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        var recordKey = RecordKey(context.FunctionName, deduplicationKey);
        // The key already names the content (a version or an entity tag); there is no other payload to compare.
        var hash = IdempotencyRecords.PayloadHash(Encoding.UTF8.GetBytes(deduplicationKey));
        var (claim, existing) = await records.TryClaimAsync(recordKey, hash, context.Deadline, context.CancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            IdempotencyRecords.AnswerUnclaimed(context, existing switch
            {
                null => MessageResult.Retry("The idempotency claim was released while this delivery arrived; retry."),
                { State: IdempotencyRecord.Completed } => new MessageResult(MessageOutcome.Success, DuplicateReason),
                _ => MessageResult.Retry($"Another delivery of {deduplicationKey} is in progress."),
            });
            return;
        }

        await records.RunClaimedAsync(recordKey, claim, hash, context, next).ConfigureAwait(false);
    }
}
