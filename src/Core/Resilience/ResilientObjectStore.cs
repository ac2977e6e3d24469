using Polly;
using Portable.Core.Storage;

namespace Portable.Core.Resilience;

/// <summary>
/// An object store that opens every object of another through a resilience pipeline (the state pipeline by default):
/// a throttled or failed open is retried; <see cref="ObjectNotFoundException"/> is an answer and is not. Reading the
/// opened stream is the caller's and is not retried.
/// </summary>
public sealed class ResilientObjectStore : IObjectStore
{
    private readonly IObjectStore _inner;
    private readonly Lazy<ResiliencePipeline> _pipeline;

    /// <summary>Wraps <paramref name="inner"/> in <paramref name="pipeline"/>.</summary>
    public ResilientObjectStore(IObjectStore inner, ResiliencePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _pipeline = new Lazy<ResiliencePipeline>(pipeline);
    }

    // The container's way in: the pipeline is built on the first call, not when the decorator is resolved.
    internal ResilientObjectStore(IObjectStore inner, Lazy<ResiliencePipeline> pipeline)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
    }

    /// <summary>The store being wrapped.</summary>
    public IObjectStore Inner => _inner;

    /// <inheritdoc />
    public ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default) =>
        _pipeline.Value.ExecuteAsync(
            static (s, ct) => s.Store.OpenReadAsync(s.Bucket, s.Key, s.Version, ct),
            (Store: _inner, Bucket: bucket, Key: key, Version: version),
            cancellationToken);
}
