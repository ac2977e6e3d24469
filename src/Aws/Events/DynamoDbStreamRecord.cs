using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>
/// One DynamoDB Streams record as Lambda delivers it (docs.aws.amazon.com/lambda/latest/dg/with-ddb.html): a change
/// to one item. Every member is nullable so <see cref="StreamEventMapper"/> reports a missing field in words.
/// </summary>
public sealed class DynamoDbStreamRecord
{
    /// <summary>A unique id of the change.</summary>
    [JsonPropertyName("eventID")]
    public string? EventId { get; set; }

    /// <summary><c>INSERT</c>, <c>MODIFY</c> or <c>REMOVE</c>.</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>The event format's version (<c>1.1</c>).</summary>
    [JsonPropertyName("eventVersion")]
    public string? EventVersion { get; set; }

    /// <summary>Always <c>aws:dynamodb</c> for this source.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    /// <summary>The table's region.</summary>
    [JsonPropertyName("awsRegion")]
    public string? AwsRegion { get; set; }

    /// <summary>The stream's ARN: <c>arn:aws:dynamodb:{region}:{account}:table/{table}/stream/{label}</c>.</summary>
    [JsonPropertyName("eventSourceARN")]
    public string? EventSourceArn { get; set; }

    /// <summary>The change itself.</summary>
    [JsonPropertyName("dynamodb")]
    public DynamoDbStreamChange? DynamoDb { get; set; }
}
