using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>
/// The event Lambda's SQS event source mapping sends: up to <c>BatchSize</c> records. Field names and kinds follow
/// https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (sample: <c>protocols/samples/aws-sqs-event.json</c>).
/// Every member is nullable so a missing field is reported by <see cref="SqsEventMapper"/> in words, not by the serializer.
/// </summary>
public sealed class SqsEvent
{
    /// <summary>The records, in the order SQS returned them.</summary>
    [JsonPropertyName("Records")]
    public List<SqsRecord?>? Records { get; set; }
}
