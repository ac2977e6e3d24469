namespace Portable.Core.State;

/// <summary>
/// A state store held in process memory: for tests and for a cloud host not yet given a durable store.
/// Thread-safe; every operation takes one lock, which is what makes the conditional writes atomic.
/// </summary>
public sealed class InMemoryStateStore(TimeProvider timeProvider) : IStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedDictionary<string, StateEntry>> _collections = new(StringComparer.Ordinal);
    private long _version;

    /// <inheritdoc />
    public ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Live(collection, key));
        }
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Live(collection, key) is null ? Write(collection, key, value, expiresAt) : StateWriteResult.Conflict);
        }
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ifMatch);
        lock (_gate)
        {
            return ValueTask.FromResult(Live(collection, key)?.ETag == ifMatch ? Write(collection, key, value, expiresAt) : StateWriteResult.Conflict);
        }
    }

    /// <inheritdoc />
    public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(Write(collection, key, value, expiresAt));
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entry = Live(collection, key);
            if (entry is null || (ifMatch is not null && entry.ETag != ifMatch))
            {
                return ValueTask.FromResult(false);
            }

            return ValueTask.FromResult(_collections[collection].Remove(key));
        }
    }

    /// <inheritdoc />
    public ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        lock (_gate)
        {
            if (!_collections.TryGetValue(collection, out var entries))
            {
                return ValueTask.FromResult(new StatePage([], HasMore: false));
            }

            // One pass in key order, no LINQ: this runs on every list request, and the page is usually small.
            var now = timeProvider.GetUtcNow();
            var page = new List<StateEntry>(Math.Min(limit, entries.Count));
            var hasMore = false;
            foreach (var entry in entries.Values)
            {
                if ((afterKey is not null && string.CompareOrdinal(entry.Key, afterKey) <= 0) || (entry.ExpiresAt is { } expires && expires <= now))
                {
                    continue;
                }

                if (page.Count == limit)
                {
                    hasMore = true;
                    break;
                }

                page.Add(entry);
            }

            return ValueTask.FromResult(new StatePage(page, hasMore));
        }
    }

    private StateEntry? Live(string collection, string key) =>
        _collections.TryGetValue(collection, out var entries)
        && entries.TryGetValue(key, out var entry)
        && (entry.ExpiresAt is null || entry.ExpiresAt > timeProvider.GetUtcNow())
            ? entry
            : null;

    private StateWriteResult Write(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt)
    {
        if (!_collections.TryGetValue(collection, out var entries))
        {
            _collections[collection] = entries = new SortedDictionary<string, StateEntry>(StringComparer.Ordinal);
        }

        var etag = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
        entries[key] = new StateEntry(key, value.ToArray(), etag, expiresAt);
        return StateWriteResult.Written(etag);
    }
}
