using Polly;
using Portable.Core.Messaging;

namespace Portable.Core.Resilience;

/// <summary>
/// A publisher that runs every send of another through a resilience pipeline, retrying transient faults only.
/// A retried send may deliver twice (the first attempt can land before its answer is lost); delivery is
/// at-least-once anyway, and the message's id lets consumers and FIFO queues drop the duplicate.
/// </summary>
public sealed class ResilientMessagePublisher(IMessagePublisher inner, ResiliencePipeline pipeline) : IMessagePublisher
{
    private readonly IMessagePublisher _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly ResiliencePipeline _pipeline = pipeline ?? throw new ArgumentNullException(nameof(pipeline));

    /// <summary>The publisher being wrapped.</summary>
    public IMessagePublisher Inner => _inner;

    /// <inheritdoc />
    public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default) =>
        _pipeline.ExecuteAsync(
            static (s, ct) => s.Publisher.PublishAsync(s.Destination, s.Message, ct),
            (Publisher: _inner, Destination: destination, Message: message),
            cancellationToken);
}
