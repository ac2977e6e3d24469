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

/// <summary>One SQS message as Lambda delivers it. The body is a plain string, never base64.</summary>
public sealed class SqsRecord
{
    /// <summary>The SQS message id: the <c>itemIdentifier</c> of a batch item failure.</summary>
    [JsonPropertyName("messageId")]
    public string? MessageId { get; set; }

    /// <summary>The receipt handle of this receive (the event source mapping deletes with it).</summary>
    [JsonPropertyName("receiptHandle")]
    public string? ReceiptHandle { get; set; }

    /// <summary>The message body as sent.</summary>
    [JsonPropertyName("body")]
    public string? Body { get; set; }

    /// <summary>System attributes, all strings: <c>ApproximateReceiveCount</c>, <c>SentTimestamp</c>, <c>MessageGroupId</c>…</summary>
    [JsonPropertyName("attributes")]
    public Dictionary<string, string?>? Attributes { get; set; }

    /// <summary>The sender's message attributes.</summary>
    [JsonPropertyName("messageAttributes")]
    public Dictionary<string, SqsMessageAttribute?>? MessageAttributes { get; set; }

    /// <summary>MD5 of the body, hex.</summary>
    [JsonPropertyName("md5OfBody")]
    public string? Md5OfBody { get; set; }

    /// <summary>MD5 of the message attributes, hex.</summary>
    [JsonPropertyName("md5OfMessageAttributes")]
    public string? Md5OfMessageAttributes { get; set; }

    /// <summary>Always <c>aws:sqs</c> for this source.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    /// <summary>The queue's ARN: <c>arn:aws:sqs:{region}:{account}:{queue}</c>.</summary>
    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; set; }

    /// <summary>The queue's region.</summary>
    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; set; }
}

/// <summary>A message attribute: its data type and a string or base64 binary value (list values are reserved by SQS).</summary>
public sealed class SqsMessageAttribute
{
    /// <summary><c>String</c>, <c>Number</c> or <c>Binary</c>, optionally with a custom label (<c>Number.int</c>).</summary>
    [JsonPropertyName("dataType")]
    public string? DataType { get; set; }

    /// <summary>The value of a String or Number attribute.</summary>
    [JsonPropertyName("stringValue")]
    public string? StringValue { get; set; }

    /// <summary>The base64 value of a Binary attribute.</summary>
    [JsonPropertyName("binaryValue")]
    public string? BinaryValue { get; set; }

    /// <summary>Reserved by SQS; carried by Lambda's event.</summary>
    [JsonPropertyName("stringListValues")]
    public List<string?>? StringListValues { get; set; }

    /// <summary>Reserved by SQS; carried by Lambda's event.</summary>
    [JsonPropertyName("binaryListValues")]
    public List<string?>? BinaryListValues { get; set; }
}

/// <summary>
/// The partial batch response (<c>ReportBatchItemFailures</c>): the ids SQS should make visible again; an empty
/// list means the whole batch succeeded. Sample: <c>protocols/samples/aws-sqs-batch-item-failures-response.json</c>.
/// </summary>
/// <param name="BatchItemFailures">One entry per message to redeliver.</param>
public sealed record SqsBatchResponse([property: JsonPropertyName("batchItemFailures")] IReadOnlyList<SqsBatchItemFailure> BatchItemFailures);

/// <summary>One failed message of a batch.</summary>
/// <param name="ItemIdentifier">The record's <c>messageId</c>.</param>
public sealed record SqsBatchItemFailure([property: JsonPropertyName("itemIdentifier")] string ItemIdentifier);

/// <summary>Source-generated JSON for the SQS event and the partial batch response (no reflection: AOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
public sealed partial class SqsJsonContext : JsonSerializerContext;
