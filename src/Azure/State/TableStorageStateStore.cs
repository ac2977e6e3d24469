using Azure;
using Azure.Data.Tables;
using Portable.Core.State;

namespace Portable.Azure.State;

/// <summary>
/// The Azure state store: one table, <c>PartitionKey</c> = collection, <c>RowKey</c> = key (both through
/// <see cref="TableKey"/>, which escapes the characters Table Storage forbids without changing their order), the
/// value in a binary property and the expiry in a <c>DateTime</c> property. ETags are the service's own.
/// </summary>
/// <remarks>
/// Table Storage's only write condition is <c>If-Match</c> on the ETag; it has no conditional expression and no TTL.
/// So expiry is checked here: a write that must not land on an expired row first reads the row, then writes with
/// <c>If-Match</c> on the ETag it read, which keeps every conditional write atomic (a concurrent writer changes the
/// ETag and the second write gets 412). Limits from the service: a key is at most 1 KiB after escaping, and a binary
/// property at most 64 KiB, so values over 64 KiB are rejected by the service ("Understanding the Table service data model").
/// </remarks>
public sealed class TableStorageStateStore : IStateStore
{
    /// <summary>The table used when none is named.</summary>
    public const string DefaultTableName = "PortableState";

    private const string ValueProperty = "Value";
    private const string ExpiresAtProperty = "ExpiresAt";

    private readonly TableClient _table;
    private readonly TimeProvider _time;

    /// <summary>A store over <paramref name="table"/>; call <see cref="EnsureCreatedAsync"/> once at start-up if the table may not exist.</summary>
    public TableStorageStateStore(TableClient table, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _table = table;
        _time = timeProvider;
    }

    /// <summary>A store over the table <paramref name="tableName"/> of the account <paramref name="service"/> points at.</summary>
    public TableStorageStateStore(TableServiceClient service, TimeProvider timeProvider, string tableName = DefaultTableName)
        : this((service ?? throw new ArgumentNullException(nameof(service))).GetTableClient(tableName), timeProvider)
    {
    }

    /// <summary>Creates the table when it does not exist yet.</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken = default) =>
        await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        var entity = await ReadAsync(collection, key, cancellationToken).ConfigureAwait(false);
        return entity is not null && IsLive(entity) ? ToEntry(entity) : null;
    }

    /// <inheritdoc />
    public async ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var entity = ToEntity(collection, key, value, expiresAt);
        try
        {
            var added = await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return StateWriteResult.Written(added.Headers.ETag!.Value.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
        }

        // A row is there. An expired one must not block the insert: replace it, but only if it is still that expired row.
        var existing = await ReadAsync(collection, key, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            // Deleted between the two calls: try the insert once more (a racing inserter may win it, which is a conflict).
            return await TryAddAsync(entity, cancellationToken).ConfigureAwait(false);
        }

        return IsLive(existing)
            ? StateWriteResult.Conflict
            : await TryUpdateAsync(entity, existing.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);

        // The read rejects an expired row, which If-Match alone would overwrite; If-Match on the write keeps it atomic.
        var existing = await ReadAsync(collection, key, cancellationToken).ConfigureAwait(false);
        if (existing is null || !IsLive(existing) || existing.ETag.ToString() != ifMatch)
        {
            return StateWriteResult.Conflict;
        }

        return await TryUpdateAsync(ToEntity(collection, key, value, expiresAt), existing.ETag, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        var response = await _table.UpsertEntityAsync(ToEntity(collection, key, value, expiresAt), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        return StateWriteResult.Written(response.Headers.ETag!.Value.ToString());
    }

    /// <inheritdoc />
    public async ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var existing = await ReadAsync(collection, key, cancellationToken).ConfigureAwait(false);
            if (existing is null || !IsLive(existing) || (ifMatch is not null && existing.ETag.ToString() != ifMatch))
            {
                return false;
            }

            try
            {
                // The SDK treats delete as idempotent: a row already gone answers 404 without throwing, and that is
                // how a racing deleter that lost learns it.
                var response = await _table.DeleteEntityAsync(existing.PartitionKey, existing.RowKey, existing.ETag, cancellationToken).ConfigureAwait(false);
                return response.Status != 404;
            }
            catch (RequestFailedException e) when (e.Status is 412)
            {
                if (ifMatch is not null)
                {
                    return false;
                }

                // An unconditional delete lost a race with a writer: read the new row and delete that.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var partition = TableKey.Encode(collection);
        var filter = afterKey is null
            ? TableClient.CreateQueryFilter($"PartitionKey eq {partition}")
            : TableClient.CreateQueryFilter($"PartitionKey eq {partition} and RowKey gt {TableKey.Encode(afterKey)}");

        // Expired rows are filtered here rather than in the query, so a page is read until it holds limit + 1 live rows.
        var entries = new List<StateEntry>(limit + 1);
        var query = _table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(limit + 1, 1000), cancellationToken: cancellationToken);
        await foreach (var entity in query.ConfigureAwait(false))
        {
            if (IsLive(entity))
            {
                entries.Add(ToEntry(entity));
                if (entries.Count > limit)
                {
                    break;
                }
            }
        }

        var hasMore = entries.Count > limit;
        return new StatePage(hasMore ? entries[..limit] : entries, hasMore);
    }

    private async Task<TableEntity?> ReadAsync(string collection, string key, CancellationToken cancellationToken)
    {
        var response = await _table.GetEntityIfExistsAsync<TableEntity>(TableKey.Encode(collection), TableKey.Encode(key), cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.HasValue ? response.Value : null;
    }

    private async Task<StateWriteResult> TryAddAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            var added = await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return StateWriteResult.Written(added.Headers.ETag!.Value.ToString());
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return StateWriteResult.Conflict;
        }
    }

    private async Task<StateWriteResult> TryUpdateAsync(TableEntity entity, ETag ifMatch, CancellationToken cancellationToken)
    {
        try
        {
            var updated = await _table.UpdateEntityAsync(entity, ifMatch, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            return StateWriteResult.Written(updated.Headers.ETag!.Value.ToString());
        }
        catch (RequestFailedException e) when (e.Status is 412 or 404)
        {
            return StateWriteResult.Conflict;
        }
    }

    private bool IsLive(TableEntity entity) =>
        entity.GetDateTimeOffset(ExpiresAtProperty) is not { } expiresAt || expiresAt > _time.GetUtcNow();

    private static TableEntity ToEntity(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt)
    {
        var entity = new TableEntity(TableKey.Encode(collection), TableKey.Encode(key))
        {
            [ValueProperty] = value.ToArray(),
        };
        if (expiresAt is { } x)
        {
            entity[ExpiresAtProperty] = x.ToUniversalTime();
        }

        return entity;
    }

    private static StateEntry ToEntry(TableEntity entity) =>
        new(
            TableKey.Decode(entity.RowKey),
            entity.GetBinary(ValueProperty) ?? [],
            entity.ETag.ToString(),
            entity.GetDateTimeOffset(ExpiresAtProperty));
}
