using Polly;
using Portable.Core.Messaging;

namespace Portable.Core.Resilience;

/// <summary>
/// A publisher that runs every send of another through a resilience pipeline, retrying transient faults only.
/// A retried send may deliver twice (the first attempt can land before its answer is lost); delivery is
/// at-least-once anyway, and the message's id lets consumers and FIFO queues drop the duplicate.
/// </summary>
public sealed class ResilientMessagePublisher : IMessagePublisher
{
    private readonly IMessagePublisher _inner;
    private readonly Lazy<ResiliencePipeline> _lazyPipeline;

    /// <summary>Wraps <paramref name="inner"/> in <paramref name="pipeline"/>.</summary>
    public ResilientMessagePublisher(IMessagePublisher inner, ResiliencePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _lazyPipeline = new Lazy<ResiliencePipeline>(pipeline);
    }

    // The container's way in: the pipeline is built on the first call, not when the decorator is resolved.
    internal ResilientMessagePublisher(IMessagePublisher inner, Lazy<ResiliencePipeline> pipeline)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _lazyPipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
    }

    private ResiliencePipeline Pipeline => _lazyPipeline.Value;

    /// <summary>The publisher being wrapped.</summary>
    public IMessagePublisher Inner => _inner;

    /// <inheritdoc />
    public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Publisher.PublishAsync(s.Destination, s.Message, ct),
            (Publisher: _inner, Destination: destination, Message: message),
            cancellationToken);
}
