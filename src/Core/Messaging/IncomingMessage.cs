namespace Portable.Core.Messaging;

/// <summary>
/// One delivered message, the same on every cloud: an SQS record, a Storage Queue or Service Bus message,
/// a Pub/Sub push or Eventarc event, a local queue lease.
/// </summary>
public sealed record IncomingMessage
{
    /// <summary>The platform's message id (SQS <c>messageId</c>, queue <c>Id</c>, Pub/Sub <c>messageId</c>).</summary>
    public required string Id { get; init; }

    /// <summary>The payload bytes, decoded from whatever envelope carried them.</summary>
    public required ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>String attributes (SQS message attributes, Pub/Sub attributes, Service Bus properties).</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = EmptyAttributes;

    /// <summary>How many times the platform has delivered this message, counting this one.</summary>
    public int DeliveryCount { get; init; } = 1;

    /// <summary>When the message was first enqueued or published, when the platform says.</summary>
    public DateTimeOffset? EnqueuedAt { get; init; }

    /// <summary>The queue or topic it came from, by its manifest name.</summary>
    public required string Source { get; init; }

    /// <summary>The FIFO group or ordering key, when the source is ordered.</summary>
    public string? OrderingKey { get; init; }

    /// <summary>The message's place in its group, when the source numbers them (SQS FIFO <c>SequenceNumber</c>, a decimal string).</summary>
    public string? SequenceNumber { get; init; }

    /// <summary>The sender's deduplication id, when the source deduplicates by one (SQS FIFO <c>MessageDeduplicationId</c>).</summary>
    public string? DeduplicationId { get; init; }

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();
}
