namespace Portable.Core.Messaging;

/// <summary>
/// Where a permanently failed message goes at once, with its reason: the local dead-letter table, an SQS
/// dead-letter queue, a Storage Queue's <c>-poison</c> queue, a Pub/Sub dead-letter topic.
/// </summary>
public interface IDeadLetterSink
{
    /// <summary>Records <paramref name="message"/> as dead with <paramref name="reason"/>. Throws when it could not (the message is then retried).</summary>
    ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default);
}
