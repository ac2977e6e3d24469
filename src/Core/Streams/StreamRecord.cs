namespace Portable.Core.Streams;

/// <summary>
/// One record of an ordered stream, the same on every cloud: a Kinesis record, a DynamoDB Streams change, a Pub/Sub
/// message published with an ordering key. Records of one <see cref="PartitionKey"/> arrive in order and are handled
/// in order; records of different keys are independent.
/// </summary>
public sealed record StreamRecord
{
    /// <summary>
    /// The key the stream keeps order by: the Kinesis <c>partitionKey</c>, the DynamoDB item's primary key (its
    /// <c>Keys</c> as canonical JSON), the Pub/Sub <c>orderingKey</c> (empty for a message published without one).
    /// </summary>
    public required string PartitionKey { get; init; }

    /// <summary>
    /// The record's position in its shard, as the platform writes it: a decimal string that can be longer than any
    /// integer type (Kinesis, DynamoDB Streams), or the Pub/Sub message id. It is what a partial batch failure names.
    /// </summary>
    public required string SequenceNumber { get; init; }

    /// <summary>The payload: the Kinesis data (decoded from base64), the DynamoDB Streams record's JSON, the Pub/Sub message data.</summary>
    public required ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>The stream it came from, by its manifest name (the Kinesis stream, the DynamoDB table, the Pub/Sub topic).</summary>
    public required string Source { get; init; }

    /// <summary>The shard it was read from, when the platform says (Kinesis: the <c>shardId-…</c> of the event id).</summary>
    public string? ShardId { get; init; }

    /// <summary>When the platform received it (Kinesis <c>approximateArrivalTimestamp</c>, DynamoDB <c>ApproximateCreationDateTime</c>, Pub/Sub <c>publishTime</c>).</summary>
    public DateTimeOffset? ArrivedAt { get; init; }

    /// <summary>What kind of record it is: <c>INSERT</c>, <c>MODIFY</c> or <c>REMOVE</c> for DynamoDB Streams, <c>aws:kinesis:record</c> for Kinesis; null when the platform says nothing.</summary>
    public string? EventName { get; init; }

    /// <summary>String attributes the platform carries beside the data (Pub/Sub attributes); empty for Kinesis and DynamoDB.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = EmptyAttributes;

    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();
}
