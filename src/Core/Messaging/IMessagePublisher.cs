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

/// <summary>A message to publish: a body, string attributes, and an optional id chosen by the sender.</summary>
/// <param name="Body">The payload bytes (usually UTF-8 JSON).</param>
/// <param name="Attributes">String attributes (SQS message attributes, Pub/Sub attributes, Service Bus application properties).</param>
/// <param name="MessageId">The sender's id for deduplication, when it has one.</param>
public sealed record OutgoingMessage(ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string>? Attributes = null, string? MessageId = null);
