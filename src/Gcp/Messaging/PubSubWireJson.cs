using System.Text.Json.Serialization;

namespace Portable.Gcp.Messaging;

/// <summary>The body of <c>projects.topics.publish</c>: <c>{"messages":[PubsubMessage]}</c> (Pub/Sub REST v1 reference).</summary>
internal sealed record PublishRequest([property: JsonPropertyName("messages")] IReadOnlyList<PublishedMessage> Messages);

/// <summary>A <c>PubsubMessage</c> as a publisher sends it: no <c>messageId</c> or <c>publishTime</c> (the server sets those).</summary>
internal sealed record PublishedMessage
{
    /// <summary>The payload, base64; omitted when empty (then at least one attribute is required).</summary>
    [JsonPropertyName("data")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Data { get; init; }

    /// <summary>String attributes; omitted when there are none.</summary>
    [JsonPropertyName("attributes")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyDictionary<string, string>? Attributes { get; init; }

    /// <summary>The ordering key, when ordered delivery is wanted.</summary>
    [JsonPropertyName("orderingKey")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? OrderingKey { get; init; }
}

/// <summary>The answer of <c>projects.topics.publish</c>: <c>{"messageIds":[...]}</c>, in request order.</summary>
internal sealed record PublishResponse([property: JsonPropertyName("messageIds")] IReadOnlyList<string>? MessageIds);

/// <summary>Google's error body: <c>{"error":{"code","message","status"}}</c>.</summary>
internal sealed record GoogleErrorResponse([property: JsonPropertyName("error")] GoogleError? Error);

/// <summary>One Google API error.</summary>
internal sealed record GoogleError(
    [property: JsonPropertyName("code")] int Code,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("status")] string? Status);

/// <summary>The metadata server's token answer: <c>{"access_token","expires_in","token_type"}</c>.</summary>
internal sealed record MetadataToken(
    [property: JsonPropertyName("access_token")] string? AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("token_type")] string? TokenType);

/// <summary>Source-generated JSON for the Pub/Sub REST API and the metadata server (no reflection: Native AOT).</summary>
[JsonSerializable(typeof(PublishRequest))]
[JsonSerializable(typeof(PublishResponse))]
[JsonSerializable(typeof(GoogleErrorResponse))]
[JsonSerializable(typeof(MetadataToken))]
internal sealed partial class PubSubWireJsonContext : JsonSerializerContext;
