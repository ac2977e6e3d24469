using Microsoft.Extensions.Logging;
using Portable.Core.Messaging;

namespace Portable.Azure.Messaging;

/// <summary>
/// Dead-letters the way the Functions host does after <c>maxDequeueCount</c>: the original message body goes to
/// <c>&lt;queue&gt;-poison</c> in the same storage account, so the tools and redrive scripts that read poison
/// queues see one shape whichever of the two put it there. A Storage queue message has no properties, so the
/// reason is written to the log (event 3201) with the message id rather than beside the message.
/// </summary>
public sealed partial class PoisonQueueDeadLetterSink : IDeadLetterSink
{
    /// <summary>The suffix the host gives poison queues (functions-bindings-storage-queue-trigger.md).</summary>
    public const string PoisonSuffix = "-poison";

    private readonly IMessagePublisher _publisher;
    private readonly ILogger _log;

    /// <summary>Writes poison messages through <paramref name="publisher"/> (a <see cref="StorageQueuePublisher"/>).</summary>
    public PoisonQueueDeadLetterSink(IMessagePublisher publisher, ILogger<PoisonQueueDeadLetterSink> log)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        _publisher = publisher;
        _log = log;
    }

    /// <summary>The poison queue of <paramref name="queue"/>.</summary>
    public static string PoisonQueueOf(string queue) => queue + PoisonSuffix;

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var poison = PoisonQueueOf(message.Source);
        var id = await _publisher.PublishAsync(poison, new OutgoingMessage(message.Body, message.Attributes, message.Id), cancellationToken).ConfigureAwait(false);
        LogPoisoned(_log, message.Id, message.Source, poison, id, message.DeliveryCount, reason);
    }

    [LoggerMessage(EventId = 3211, Level = LogLevel.Warning, Message = "Message {MessageId} from {Queue} moved to {PoisonQueue} as {PoisonMessageId} after {DeliveryCount} deliveries: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string queue, string poisonQueue, string poisonMessageId, int deliveryCount, string reason);
}
