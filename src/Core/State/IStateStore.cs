namespace Portable.Core.State;

/// <summary>
/// The state-store port: keyed documents in named collections, with single-item atomicity through
/// conditional writes (insert-if-absent, replace-if-match, delete-if-match) and read-side expiry.
/// Every engine (memory, SQLite, Table Storage, DynamoDB, PostgreSQL) passes the same contract tests.
/// </summary>
public interface IStateStore
{
    /// <summary>Reads an entry; an expired entry reads as absent.</summary>
    ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default);

    /// <summary>Writes only when no live entry has <paramref name="key"/>; otherwise <see cref="StateWriteResult.Conflict"/>.</summary>
    ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default);

    /// <summary>Writes only when the live entry's ETag equals <paramref name="ifMatch"/>; otherwise <see cref="StateWriteResult.Conflict"/>.</summary>
    ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default);

    /// <summary>Writes whatever is there (insert or overwrite).</summary>
    ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes a live entry, only when its ETag matches if <paramref name="ifMatch"/> is given. False when nothing was deleted.</summary>
    ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default);

    /// <summary>Live entries with keys after <paramref name="afterKey"/> in ordinal order, at most <paramref name="limit"/>.</summary>
    ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default);
}
