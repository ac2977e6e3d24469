namespace Portable.Emulators.Aws;

/// <summary>A message in an emulated queue, with its receive state.</summary>
public sealed record EmulatedSqsMessage(string MessageId, string Body, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset SentAt)
{
    /// <summary>How many times it has been received (<c>ApproximateReceiveCount</c>).</summary>
    public int ReceiveCount { get; set; }

    /// <summary>When it was first received.</summary>
    public DateTimeOffset? FirstReceivedAt { get; set; }

    /// <summary>When it becomes visible again.</summary>
    public DateTimeOffset VisibleAt { get; set; } = SentAt;

    /// <summary>The current receive's handle.</summary>
    public string? ReceiptHandle { get; set; }

    /// <summary>The FIFO message group (<c>MessageGroupId</c>); null on a standard queue.</summary>
    public string? GroupId { get; init; }

    /// <summary>The FIFO deduplication id (<c>MessageDeduplicationId</c>); null on a standard queue.</summary>
    public string? DeduplicationId { get; init; }

    /// <summary>The FIFO sequence number SQS gave it (<c>SequenceNumber</c>, a decimal string); null on a standard queue.</summary>
    public string? SequenceNumber { get; init; }
}
