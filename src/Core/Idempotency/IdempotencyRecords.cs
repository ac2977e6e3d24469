using System.Security.Cryptography;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Json;
using Portable.Core.Messaging;
using Portable.Core.State;

namespace Portable.Core.Idempotency;

/// <summary>
/// The idempotency records both middlewares (HTTP and messages) keep in the state store: claim a key with an
/// in-progress record (insert-if-absent, expiring with the attempt), complete it with the stored result, or
/// release it so the next delivery runs again.
/// </summary>
public sealed class IdempotencyRecords(IStateStore store, TimeProvider timeProvider)
{
    /// <summary>The state-store collection holding the records.</summary>
    public const string Collection = "idempotency";

    /// <summary>How long a completed record is kept by default: 24 hours.</summary>
    public static readonly TimeSpan CompletedLifetime = TimeSpan.FromHours(24);

    /// <summary>How long an in-progress claim lasts when the platform gives no deadline.</summary>
    public static readonly TimeSpan DefaultInProgressLifetime = TimeSpan.FromMinutes(5);

    // Hashes compared by meaning carry this prefix; a bare hex hash is a byte hash an earlier version wrote.
    private const string MeaningHashPrefix = "v2:";

    /// <summary>
    /// The <see cref="IdempotencyRecord.RequestHash"/> of a request or message: SHA-256 of <paramref name="prefix"/>
    /// (an HTTP method and path, say) and the payload by meaning (<see cref="CanonicalJson"/>): a JSON payload that
    /// differs only in number spelling or member order is the same payload, anything else is hashed as bytes.
    /// </summary>
    public static string PayloadHash(ReadOnlySpan<byte> payload, ReadOnlySpan<byte> prefix = default) =>
        MeaningHashPrefix + CanonicalJson.Hash(prefix, payload);

    /// <summary>
    /// Whether <paramref name="record"/> was claimed for the payload whose <see cref="PayloadHash"/> is
    /// <paramref name="hash"/>. A record written before hashes compared by meaning holds a byte hash; that one
    /// is compared with the payload's bytes, so a redelivery across the upgrade is not taken for a conflict (records
    /// last <see cref="CompletedLifetime"/>).
    /// </summary>
    public static bool SamePayload(IdempotencyRecord record, string hash, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> prefix = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.RequestHash.StartsWith(MeaningHashPrefix, StringComparison.Ordinal))
        {
            return string.Equals(record.RequestHash, hash, StringComparison.Ordinal);
        }

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(prefix);
        sha.AppendData(payload);
        return string.Equals(record.RequestHash, Convert.ToHexStringLower(sha.GetHashAndReset()), StringComparison.Ordinal);
    }

    /// <summary>
    /// Claims <paramref name="key"/> for a request or message whose content hashes to <paramref name="requestHash"/>.
    /// Returns the claim's ETag, or the record already there (null if it vanished meanwhile).
    /// </summary>
    public async ValueTask<(string? ClaimETag, IdempotencyRecord? Existing)> TryClaimAsync(
        string key, string requestHash, DateTimeOffset? deadline, CancellationToken cancellationToken)
    {
        var claim = Serialize(new IdempotencyRecord { State = IdempotencyRecord.InProgress, RequestHash = requestHash });
        var expires = deadline ?? timeProvider.GetUtcNow() + DefaultInProgressLifetime;
        var written = await store.InsertAsync(Collection, key, claim, expires, cancellationToken).ConfigureAwait(false);
        if (written.Succeeded)
        {
            return (written.ETag, null);
        }

        var entry = await store.GetAsync(Collection, key, cancellationToken).ConfigureAwait(false);
        return (null, entry is null ? null : JsonSerializer.Deserialize(entry.Value.Span, CoreJsonContext.Default.IdempotencyRecord));
    }

    /// <summary>Turns a claim into a completed record kept for <see cref="CompletedLifetime"/>.</summary>
    public async ValueTask CompleteAsync(string key, string claimETag, IdempotencyRecord completed)
    {
        ArgumentNullException.ThrowIfNull(completed);
        await store.ReplaceAsync(Collection, key, Serialize(completed with { State = IdempotencyRecord.Completed }), claimETag, timeProvider.GetUtcNow() + CompletedLifetime, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Gives a claim up so the next attempt runs.</summary>
    public async ValueTask ReleaseAsync(string key, string claimETag) =>
        await store.DeleteAsync(Collection, key, claimETag, CancellationToken.None).ConfigureAwait(false);

    /// <summary>
    /// Runs <paramref name="next"/> under the claim <paramref name="claimETag"/> of <paramref name="key"/> for a delivery
    /// settled by a <see cref="MessageResult"/> (a message, an event, an upload): completes the claim when the result is a
    /// success, and releases it when the handler throws or the result is a retry or a dead letter, so the platform's next
    /// delivery runs again.
    /// </summary>
    public async ValueTask RunClaimedAsync(string key, string claimETag, string requestHash, FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch
        {
            await ReleaseAsync(key, claimETag).ConfigureAwait(false);
            throw;
        }

        if (context.Result is MessageResult { Outcome: MessageOutcome.Success })
        {
            await CompleteAsync(key, claimETag, new IdempotencyRecord { State = IdempotencyRecord.Completed, RequestHash = requestHash }).ConfigureAwait(false);
        }
        else
        {
            await ReleaseAsync(key, claimETag).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Answers a delivery whose claim was refused with <paramref name="answer"/>, counting it in
    /// <c>portable.duplicates_suppressed</c> when it is a success (a duplicate not run).
    /// </summary>
    public static void AnswerUnclaimed(FunctionContext context, MessageResult answer)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Result = answer;
        if (answer.Outcome == MessageOutcome.Success)
        {
            PortableMetrics.DuplicatesSuppressed.Add(1, new KeyValuePair<string, object?>("faas.name", context.FunctionName));
        }
    }

    private static byte[] Serialize(IdempotencyRecord record) =>
        JsonSerializer.SerializeToUtf8Bytes(record, CoreJsonContext.Default.IdempotencyRecord);
}
