using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

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
