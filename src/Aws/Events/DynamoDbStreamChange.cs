using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>The <c>dynamodb</c> member of a DynamoDB Streams record. Keys and images are AttributeValue JSON (<c>S</c>, <c>N</c>, <c>M</c>, …).</summary>
public sealed class DynamoDbStreamChange
{
    /// <summary>When the change was made, in epoch seconds.</summary>
    [JsonPropertyName("ApproximateCreationDateTime")]
    public double? ApproximateCreationDateTime { get; set; }

    /// <summary>The item's primary key: the key its changes are ordered by.</summary>
    [JsonPropertyName("Keys")]
    public JsonElement? Keys { get; set; }

    /// <summary>The item after the change (stream views <c>NEW_IMAGE</c>, <c>NEW_AND_OLD_IMAGES</c>).</summary>
    [JsonPropertyName("NewImage")]
    public JsonElement? NewImage { get; set; }

    /// <summary>The item before the change (stream views <c>OLD_IMAGE</c>, <c>NEW_AND_OLD_IMAGES</c>).</summary>
    [JsonPropertyName("OldImage")]
    public JsonElement? OldImage { get; set; }

    /// <summary>The change's position in its shard, a decimal string.</summary>
    [JsonPropertyName("SequenceNumber")]
    public string? SequenceNumber { get; set; }

    /// <summary>The record's size.</summary>
    [JsonPropertyName("SizeBytes")]
    public long? SizeBytes { get; set; }

    /// <summary><c>KEYS_ONLY</c>, <c>NEW_IMAGE</c>, <c>OLD_IMAGE</c> or <c>NEW_AND_OLD_IMAGES</c>.</summary>
    [JsonPropertyName("StreamViewType")]
    public string? StreamViewType { get; set; }
}
