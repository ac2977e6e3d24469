using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Items;

/// <summary>
/// The page is only ever written, so its JSON is generated as a serialization fast path alone: no metadata to build
/// and check for it and its properties on first use, which in a Native AOT cold start costs over a millisecond.
/// </summary>
[JsonSourceGenerationOptions(GenerationMode = JsonSourceGenerationMode.Serialization)]
[JsonSerializable(typeof(ItemPage))]
public sealed partial class ItemPageJsonContext : JsonSerializerContext;
