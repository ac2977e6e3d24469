using System.Globalization;
using Portable.Core.Messaging;

namespace Portable.Aws.Messaging;

/// <summary>
/// Dead-letters a permanently failed message at once by sending it to <c>{queue}-dlq</c> (the queue the generated
/// SAM template also names in the source queue's redrive policy), with the reason, the source queue, the delivery
/// count and the original id as attributes (<see cref="PublishingDeadLetterSink"/>'s names). SQS allows 10
/// attributes, so the original's are kept only as far as they fit, <c>traceparent</c> first.
/// </summary>
public sealed class SqsDeadLetterSink(SqsPublisher publisher) : IDeadLetterSink
{
    /// <summary>The dead-letter queue's suffix.</summary>
    public const string Suffix = "-dlq";

    /// <summary>
    /// The dead-letter queue of <paramref name="queue"/>: <c>{queue}-dlq</c>, or <c>{name}-dlq.fifo</c> for a FIFO queue
    /// <c>{name}.fifo</c> (a FIFO queue's dead-letter queue must be FIFO too, and FIFO names end with <c>.fifo</c>).
    /// </summary>
    public static string DeadLetterQueueOf(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.EndsWith(".fifo", StringComparison.Ordinal) ? queue[..^".fifo".Length] + Suffix + ".fifo" : queue + Suffix;
    }

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [PublishingDeadLetterSink.ReasonAttribute] = reason,
            [PublishingDeadLetterSink.OriginalIdAttribute] = message.Id,
            [PublishingDeadLetterSink.SourceAttribute] = message.Source,
            [PublishingDeadLetterSink.DeliveryCountAttribute] = message.DeliveryCount.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (name, value) in message.Attributes.OrderBy(a => a.Key == "traceparent" ? 0 : 1).ThenBy(a => a.Key, StringComparer.Ordinal))
        {
            if (attributes.Count >= SqsPublisher.MaxAttributes)
            {
                break;
            }

            attributes.TryAdd(name, value);
        }

        await publisher.PublishAsync(DeadLetterQueueOf(message.Source), new OutgoingMessage(message.Body, attributes, message.Id), cancellationToken).ConfigureAwait(false);
    }
}
