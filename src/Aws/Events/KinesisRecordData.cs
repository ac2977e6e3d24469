using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>The <c>kinesis</c> member of a Kinesis event record: what the producer put, and where it landed.</summary>
public sealed class KinesisRecordData
{
    /// <summary>The record format's version (<c>1.0</c>).</summary>
    [JsonPropertyName("kinesisSchemaVersion")]
    public string? KinesisSchemaVersion { get; set; }

    /// <summary>The producer's partition key: which shard the record went to, and the key order is kept by.</summary>
    [JsonPropertyName("partitionKey")]
    public string? PartitionKey { get; set; }

    /// <summary>The record's position in its shard, a decimal string of up to 128 digits.</summary>
    [JsonPropertyName("sequenceNumber")]
    public string? SequenceNumber { get; set; }

    /// <summary>The payload, base64.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; set; }

    /// <summary>When Kinesis received it, in epoch seconds with a fraction.</summary>
    [JsonPropertyName("approximateArrivalTimestamp")]
    public double? ApproximateArrivalTimestamp { get; set; }
}
