using System.Text.Json.Serialization;

namespace Portable.Gcp.Events;

/// <summary>
/// The part of a Cloud Storage object resource (<c>StorageObjectData</c>, google-cloudevents
/// <c>storage/v1/data.proto</c>) the host reads. proto3 JSON writes the int64 fields as strings (real deliveries and
/// the Functions Framework samples), the google-cloudevents JSON schema and examples as numbers: both are read.
/// </summary>
internal sealed record GcsObjectData
{
    [JsonPropertyName("bucket")]
    public string? Bucket { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("generation")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Generation { get; init; }

    [JsonPropertyName("metageneration")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Metageneration { get; init; }

    [JsonPropertyName("etag")]
    public string? ETag { get; init; }

    [JsonPropertyName("size")]
    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString)]
    public long? Size { get; init; }

    [JsonPropertyName("contentType")]
    public string? ContentType { get; init; }

    [JsonPropertyName("timeCreated")]
    public string? TimeCreated { get; init; }

    [JsonPropertyName("resourceState")]
    public string? ResourceState { get; init; }
}

/// <summary>Source-generated JSON for Cloud Storage event data (no reflection: Native AOT).</summary>
[JsonSerializable(typeof(GcsObjectData))]
internal sealed partial class GcsObjectJsonContext : JsonSerializerContext;
