namespace Portable.Core.Messaging;

/// <summary>
/// Dead-letters by publishing to a companion queue or topic (<c>{source}{suffix}</c>) with the reason, the
/// source, the delivery count and the original id as attributes — for clouds whose platform cannot be asked
/// to dead-letter one message on demand.
/// </summary>
public sealed class PublishingDeadLetterSink(IMessagePublisher publisher, string suffix) : IDeadLetterSink
{
    /// <summary>Attribute names carried on a dead letter.</summary>
    public const string ReasonAttribute = "portable-dead-letter-reason";

    /// <summary>The original message id.</summary>
    public const string OriginalIdAttribute = "portable-original-id";

    /// <summary>The queue or topic it failed on.</summary>
    public const string SourceAttribute = "portable-source";

    /// <summary>How many deliveries it had.</summary>
    public const string DeliveryCountAttribute = "portable-delivery-count";

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attributes = new Dictionary<string, string>(message.Attributes, StringComparer.Ordinal)
        {
            [ReasonAttribute] = reason,
            [OriginalIdAttribute] = message.Id,
            [SourceAttribute] = message.Source,
            [DeliveryCountAttribute] = message.DeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        await publisher.PublishAsync(message.Source + suffix, new OutgoingMessage(message.Body, attributes, message.Id), cancellationToken).ConfigureAwait(false);
    }
}
