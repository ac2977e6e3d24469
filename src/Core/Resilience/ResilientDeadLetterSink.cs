using Polly;
using Portable.Core.Messaging;

namespace Portable.Core.Resilience;

/// <summary>
/// A dead-letter sink that runs every write of another through a resilience pipeline (the publish pipeline), so a
/// throttled or briefly unreachable dead-letter queue is retried the same way on every cloud before the message is
/// handed back to the platform.
/// </summary>
public sealed class ResilientDeadLetterSink(IDeadLetterSink inner, ResiliencePipeline pipeline) : IDeadLetterSink
{
    private readonly IDeadLetterSink _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly ResiliencePipeline _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));

    /// <summary>The sink being wrapped.</summary>
    public IDeadLetterSink Inner => _inner;

    /// <inheritdoc />
    public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(
            static (s, ct) => s.Sink.DeadLetterAsync(s.Message, s.Reason, ct),
            (Sink: _inner, Message: message, Reason: reason),
            cancellationToken);
}
