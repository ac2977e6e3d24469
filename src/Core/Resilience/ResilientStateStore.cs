using Polly;
using Portable.Core.State;

namespace Portable.Core.Resilience;

/// <summary>
/// A state store that runs every call of another through a resilience pipeline. A lost condition
/// (<see cref="StateWriteResult.Conflict"/>, or <c>false</c> from a conditional delete) is an answer, not a fault:
/// it is returned at once and never retried. Only transient exceptions are retried.
/// </summary>
/// <remarks>
/// A retried insert whose first attempt landed before its answer was lost reads as a conflict with itself; callers
/// that claim a key this way (idempotency records) already treat a conflict as "someone holds it" and re-read it.
/// </remarks>
public sealed class ResilientStateStore : IStateStore
{
    private readonly IStateStore _inner;
    private readonly Lazy<ResiliencePipeline> _lazyPipeline;

    /// <summary>Wraps <paramref name="inner"/> in <paramref name="pipeline"/>.</summary>
    public ResilientStateStore(IStateStore inner, ResiliencePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _lazyPipeline = new Lazy<ResiliencePipeline>(pipeline);
    }

    // The container's way in: the pipeline is built on the first call, not when the decorator is resolved.
    internal ResilientStateStore(IStateStore inner, Lazy<ResiliencePipeline> pipeline)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _lazyPipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
    }

    private ResiliencePipeline Pipeline => _lazyPipeline.Value;

    /// <summary>The store being wrapped.</summary>
    public IStateStore Inner => _inner;

    /// <inheritdoc />
    public ValueTask<StateEntry?> GetAsync(string collection, string key, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Store.GetAsync(s.Collection, s.Key, ct),
            (Store: _inner, Collection: collection, Key: key),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> InsertAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Store.InsertAsync(s.Collection, s.Key, s.Value, s.ExpiresAt, ct),
            (Store: _inner, Collection: collection, Key: key, Value: value, ExpiresAt: expiresAt),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> ReplaceAsync(string collection, string key, ReadOnlyMemory<byte> value, string ifMatch, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Store.ReplaceAsync(s.Collection, s.Key, s.Value, s.IfMatch, s.ExpiresAt, ct),
            (Store: _inner, Collection: collection, Key: key, Value: value, IfMatch: ifMatch, ExpiresAt: expiresAt),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StateWriteResult> PutAsync(string collection, string key, ReadOnlyMemory<byte> value, DateTimeOffset? expiresAt = null, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Store.PutAsync(s.Collection, s.Key, s.Value, s.ExpiresAt, ct),
            (Store: _inner, Collection: collection, Key: key, Value: value, ExpiresAt: expiresAt),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> DeleteAsync(string collection, string key, string? ifMatch = null, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Store.DeleteAsync(s.Collection, s.Key, s.IfMatch, ct),
            (Store: _inner, Collection: collection, Key: key, IfMatch: ifMatch),
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<StatePage> ListAsync(string collection, int limit, string? afterKey = null, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Store.ListAsync(s.Collection, s.Limit, s.AfterKey, ct),
            (Store: _inner, Collection: collection, Limit: limit, AfterKey: afterKey),
            cancellationToken);
}
