using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Items;

/// <summary>A page of items; <c>nextCursor</c> is null on the last page.</summary>
public sealed record ItemPage(
    [property: JsonPropertyName("items")] IReadOnlyList<Item> Items,
    [property: JsonPropertyName("nextCursor"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
