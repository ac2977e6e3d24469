using Portable.Core.State;

namespace Portable.TestKit;

/// <summary>
/// A state store that hands every call to <paramref name="inner"/>: derive from it and override only the calls a test
/// wants to watch, delay or fail.
/// </summary>
public class DelegatingStateStore(IStateStore inner) : IStateStore
{
    /// <summary>The store calls go to.</summary>
    protected IStateStore Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    public virtual ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        Inner.GetAsync(collection, key, cancellationToken);

    public virtual ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default) =>
        Inner.ListAsync(collection, limit, afterKey, cancellationToken);

    public virtual ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Inner.InsertAsync(collection, key, value, expiresAt, cancellationToken);

    public virtual ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Inner.ReplaceAsync(collection, key, value, ifMatch, expiresAt, cancellationToken);

    public virtual ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Inner.PutAsync(collection, key, value, expiresAt, cancellationToken);

    public virtual ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        Inner.DeleteAsync(collection, key, ifMatch, cancellationToken);
}
