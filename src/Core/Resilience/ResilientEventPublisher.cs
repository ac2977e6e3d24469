using Polly;
using Portable.Core.Events;

namespace Portable.Core.Resilience;

/// <summary>
/// An event publisher that runs every publish of another through a resilience pipeline, retrying transient faults
/// only (a throttled or unreachable bus). The inner publisher throws a transient fault only when the bus took none of
/// the events, so a retry does not publish an accepted event again; a retry after a lost answer still can, and
/// delivery is at least once anyway.
/// </summary>
public sealed class ResilientEventPublisher : IEventPublisher
{
    private readonly IEventPublisher _inner;
    private readonly Lazy<ResiliencePipeline> _pipeline;

    /// <summary>Wraps <paramref name="inner"/> in <paramref name="pipeline"/>.</summary>
    public ResilientEventPublisher(IEventPublisher inner, ResiliencePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _pipeline = new Lazy<ResiliencePipeline>(pipeline);
    }

    // The container's way in: the pipeline is built on the first publish, not when the decorator is resolved.
    internal ResilientEventPublisher(IEventPublisher inner, Lazy<ResiliencePipeline> pipeline)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
    }

    /// <summary>The publisher being wrapped.</summary>
    public IEventPublisher Inner => _inner;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default) =>
        _pipeline.Value.ExecuteAsync(
            static (s, ct) => s.Publisher.PublishAsync(s.Events, ct),
            (Publisher: _inner, Events: events),
            cancellationToken);
}
