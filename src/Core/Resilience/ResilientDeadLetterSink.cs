using Polly;
using Portable.Core.Messaging;

namespace Portable.Core.Resilience;

/// <summary>
/// A dead-letter sink that runs every write of another through a resilience pipeline (the publish pipeline), so a
/// throttled or briefly unreachable dead-letter queue is retried the same way on every cloud before the message is
/// handed back to the platform.
/// </summary>
public sealed class ResilientDeadLetterSink : IDeadLetterSink
{
    private readonly IDeadLetterSink _inner;
    private readonly Lazy<ResiliencePipeline> _lazyPipeline;

    /// <summary>Wraps <paramref name="inner"/> in <paramref name="pipeline"/>.</summary>
    public ResilientDeadLetterSink(IDeadLetterSink inner, ResiliencePipeline pipeline)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _lazyPipeline = new Lazy<ResiliencePipeline>(pipeline);
    }

    // The container's way in: the pipeline is built on the first call, not when the decorator is resolved.
    internal ResilientDeadLetterSink(IDeadLetterSink inner, Lazy<ResiliencePipeline> pipeline)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _lazyPipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));
    }

    private ResiliencePipeline Pipeline => _lazyPipeline.Value;

    /// <summary>The sink being wrapped.</summary>
    public IDeadLetterSink Inner => _inner;

    /// <inheritdoc />
    public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default) =>
        Pipeline.ExecuteAsync(
            static (s, ct) => s.Sink.DeadLetterAsync(s.Message, s.Reason, ct),
            (Sink: _inner, Message: message, Reason: reason),
            cancellationToken);
}
