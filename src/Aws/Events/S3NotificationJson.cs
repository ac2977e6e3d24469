using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

// The three shapes an S3 object event reaches Lambda in, read into one envelope: an S3 event notification
// (Records[], https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html), an EventBridge
// event from S3 (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html), or the s3:TestEvent S3 sends
// when a notification configuration is saved. Every member is nullable, so a missing field is reported by
// S3EventMapper in words, not by the serializer.

/// <summary>The top level of an S3 notification, an EventBridge event or an S3 test event.</summary>
internal sealed class S3Notification
{
    [JsonPropertyName("Records")]
    public List<S3NotificationRecord?>? Records { get; set; }

    /// <summary>EventBridge: <c>aws.s3</c>.</summary>
    [JsonPropertyName("source")]
    public string? Source { get; set; }

    /// <summary>EventBridge: <c>Object Created</c>, <c>Object Deleted</c>, …</summary>
    [JsonPropertyName("detail-type")]
    public string? DetailType { get; set; }

    [JsonPropertyName("time")]
    public DateTimeOffset? Time { get; set; }

    [JsonPropertyName("detail")]
    public EventBridgeS3Detail? Detail { get; set; }

    /// <summary>Test event: <c>Amazon S3</c>.</summary>
    [JsonPropertyName("Service")]
    public string? Service { get; set; }

    /// <summary>Test event: <c>s3:TestEvent</c>.</summary>
    [JsonPropertyName("Event")]
    public string? Event { get; set; }
}

/// <summary>One record of an S3 event notification.</summary>
internal sealed class S3NotificationRecord
{
    /// <summary><c>aws:s3</c>.</summary>
    [JsonPropertyName("eventSource")]
    public string? EventSource { get; set; }

    /// <summary><c>ObjectCreated:Put</c>, <c>ObjectCreated:CompleteMultipartUpload</c>, <c>ObjectRemoved:Delete</c>, …</summary>
    [JsonPropertyName("eventName")]
    public string? EventName { get; set; }

    /// <summary>When S3 finished processing the request (ISO 8601).</summary>
    [JsonPropertyName("eventTime")]
    public DateTimeOffset? EventTime { get; set; }

    [JsonPropertyName("s3")]
    public S3NotificationEntity? S3 { get; set; }
}

/// <summary>The <c>s3</c> member of a record: the bucket and the object.</summary>
internal sealed class S3NotificationEntity
{
    [JsonPropertyName("bucket")]
    public S3NotificationBucket? Bucket { get; set; }

    [JsonPropertyName("object")]
    public S3NotificationObject? Object { get; set; }
}

/// <summary>The bucket of a record.</summary>
internal sealed class S3NotificationBucket
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }
}

/// <summary>The object of a record. Its key is URL-encoded (form encoding: a space is <c>+</c>).</summary>
internal sealed class S3NotificationObject
{
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    /// <summary>Bytes; absent on delete events.</summary>
    [JsonPropertyName("size")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Size { get; set; }

    [JsonPropertyName("eTag")]
    public string? ETag { get; set; }

    /// <summary>Only for a versioned bucket.</summary>
    [JsonPropertyName("versionId")]
    public string? VersionId { get; set; }

    [JsonPropertyName("sequencer")]
    public string? Sequencer { get; set; }
}

/// <summary>The <c>detail</c> of an EventBridge event from S3.</summary>
internal sealed class EventBridgeS3Detail
{
    [JsonPropertyName("bucket")]
    public S3NotificationBucket? Bucket { get; set; }

    [JsonPropertyName("object")]
    public EventBridgeS3Object? Object { get; set; }

    /// <summary><c>PutObject</c>, <c>CopyObject</c>, <c>CompleteMultipartUpload</c>, …</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; set; }
}

/// <summary>The object of an EventBridge event from S3. Its key is the key itself, not URL-encoded.</summary>
internal sealed class EventBridgeS3Object
{
    [JsonPropertyName("key")]
    public string? Key { get; set; }

    [JsonPropertyName("size")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Size { get; set; }

    [JsonPropertyName("etag")]
    public string? ETag { get; set; }

    [JsonPropertyName("version-id")]
    public string? VersionId { get; set; }

    [JsonPropertyName("sequencer")]
    public string? Sequencer { get; set; }
}

/// <summary>Source-generated JSON for the S3 event shapes (no reflection: AOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(S3Notification))]
internal sealed partial class S3JsonContext : JsonSerializerContext;
