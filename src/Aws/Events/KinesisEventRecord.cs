using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>
/// One Kinesis record as Lambda delivers it (docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html). Every member is
/// nullable so <see cref="StreamEventMapper"/> reports a missing field in words.
/// </summary>
public sealed class KinesisEventRecord
{
    /// <summary>The record itself.</summary>
    [JsonPropertyName("kinesis")]
    public KinesisRecordData? Kinesis { get; set; }

    /// <summary>Always <c>aws:kinesis</c> for this source.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    /// <summary>The event format's version (<c>1.0</c>).</summary>
    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; set; }

    /// <summary><c>{shardId}:{sequenceNumber}</c>.</summary>
    [JsonPropertyName("eventID")]
    public string? EventId { get; set; }

    /// <summary><c>aws:kinesis:record</c>.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>The role the mapping reads the stream with.</summary>
    [JsonPropertyName("invokeIdentityArn")]
    public string? InvokeIdentityArn { get; set; }

    /// <summary>The stream's region.</summary>
    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; set; }

    /// <summary>The stream's ARN: <c>arn:aws:kinesis:{region}:{account}:stream/{name}</c>.</summary>
    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; set; }
}
