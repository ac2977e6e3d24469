using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Items;

/// <summary>An item as stored and as returned: <c>{"id","name","price","createdAt"}</c>.</summary>
public sealed record Item(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt);

/// <summary>A page of items; <c>nextCursor</c> is null on the last page.</summary>
public sealed record ItemPage(
    [property: JsonPropertyName("items")] IReadOnlyList<Item> Items,
    [property: JsonPropertyName("nextCursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);

/// <summary>Source-generated JSON for the Items API.</summary>
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(ItemPage))]
public sealed partial class ItemsJsonContext : JsonSerializerContext;

/// <summary>
/// The page is only ever written, so its JSON is generated as a serialization fast path alone: no metadata to build
/// and check for it and its properties on first use, which in a Native AOT cold start costs over a millisecond.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(ItemPage))]
public sealed partial class ItemPageJsonContext : JsonSerializerContext;
