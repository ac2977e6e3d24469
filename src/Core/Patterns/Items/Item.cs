using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Items;

/// <summary>An item as stored and as returned: <c>{"id","name","price","createdAt"}</c>.</summary>
public sealed record Item(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt);
