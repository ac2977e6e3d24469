using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Items;

/// <summary>Source-generated JSON for the Items API.</summary>
[JsonSerializable(typeof(Item))]
[JsonSerializable(typeof(ItemPage))]
public sealed partial class ItemsJsonContext : JsonSerializerContext;
