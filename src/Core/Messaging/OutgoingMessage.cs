namespace Portable.Core.Messaging;

/// <summary>A message to publish: a body, string attributes, and an optional id chosen by the sender.</summary>
/// <param name="Body">The payload bytes (usually UTF-8 JSON).</param>
/// <param name="Attributes">String attributes (SQS message attributes, Pub/Sub attributes, Service Bus application properties).</param>
/// <param name="MessageId">The sender's id for deduplication, when it has one.</param>
public sealed record OutgoingMessage(ReadOnlyMemory<byte> Body, IReadOnlyDictionary<string, string>? Attributes = null, string? MessageId = null);
