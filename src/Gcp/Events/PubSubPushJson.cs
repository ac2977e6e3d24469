using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Gcp.Events;

/// <summary>
/// A Pub/Sub push request body (the default wrapped format), which is also the <c>data</c> of Eventarc's
/// <c>google.cloud.pubsub.topic.v1.messagePublished</c> CloudEvent: <c>{message, subscription, deliveryAttempt?}</c>
/// (cloud.google.com/pubsub/docs/push; google-cloudevents <c>pubsub/v1/data.proto</c>).
/// </summary>
internal sealed record PubSubPushEnvelope
{
    /// <summary>The message.</summary>
    [JsonPropertyName("message")]
    public PubSubPushMessage? Message { get; init; }

    /// <summary>The subscription, <c>projects/P/subscriptions/S</c>.</summary>
    [JsonPropertyName("subscription")]
    public string? Subscription { get; init; }

    /// <summary>Sent only when the subscription has a dead-letter policy; 0 or absent otherwise.</summary>
    [JsonPropertyName("deliveryAttempt")]
    public int? DeliveryAttempt { get; init; }
}

/// <summary>
/// A <c>PubsubMessage</c> as push and Eventarc deliver it: real deliveries carry both the camelCase and the
/// snake_case spelling of the id and the publish time (google-cloudevents testdata "duplicatedFields").
/// </summary>
internal sealed record PubSubPushMessage
{
    /// <summary>The payload, base64. May be absent when only attributes were published.</summary>
    [JsonPropertyName("data")]
    public string? Data { get; init; }

    /// <summary>String attributes.</summary>
    [JsonPropertyName("attributes")]
    public Dictionary<string, string>? Attributes { get; init; }

    /// <summary>The server-assigned id.</summary>
    [JsonPropertyName("messageId")]
    public string? MessageId { get; init; }

    /// <summary>The same id, snake_case.</summary>
    [JsonPropertyName("message_id")]
    public string? MessageIdSnake { get; init; }

    /// <summary>When the topic received it (RFC 3339).</summary>
    [JsonPropertyName("publishTime")]
    public string? PublishTime { get; init; }

    /// <summary>The same time, snake_case.</summary>
    [JsonPropertyName("publish_time")]
    public string? PublishTimeSnake { get; init; }

    /// <summary>The ordering key, when the publisher set one.</summary>
    [JsonPropertyName("orderingKey")]
    public string? OrderingKey { get; init; }

    /// <summary>The same key, snake_case (accepted for symmetry with the other duplicated fields).</summary>
    [JsonPropertyName("ordering_key")]
    public string? OrderingKeySnake { get; init; }
}

/// <summary>A CloudEvent in structured content mode (<c>application/cloudevents+json</c>), CloudEvents 1.0 JSON format.</summary>
internal sealed record StructuredCloudEvent
{
    [JsonPropertyName("specversion")]
    public string? SpecVersion { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("source")]
    public string? Source { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("datacontenttype")]
    public string? DataContentType { get; init; }

    /// <summary>The data as JSON, when it is JSON.</summary>
    [JsonPropertyName("data")]
    public JsonElement? Data { get; init; }

    /// <summary>The data as base64, when the producer sent it as bytes.</summary>
    [JsonPropertyName("data_base64")]
    public string? DataBase64 { get; init; }
}

/// <summary>Source-generated JSON for what Pub/Sub and Eventarc push to the Cloud Run host (no reflection: Native AOT).</summary>
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Disallow)]
[JsonSerializable(typeof(PubSubPushEnvelope))]
[JsonSerializable(typeof(StructuredCloudEvent))]
internal sealed partial class PubSubPushJsonContext : JsonSerializerContext;
