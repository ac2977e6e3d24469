namespace Portable.Core.Messaging;

/// <summary>
/// The publishing port: sends a message to a queue or topic by its manifest name. One implementation per
/// cloud (Storage Queues, SQS, Pub/Sub) plus the local durable queue; trace context travels in the attributes.
/// </summary>
public interface IMessagePublisher
{
    /// <summary>Sends <paramref name="message"/> to <paramref name="destination"/>; returns the id the platform assigned.</summary>
    ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default);
}
