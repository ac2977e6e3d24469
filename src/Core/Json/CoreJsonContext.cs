using System.Text.Json.Serialization;
using Portable.Core.Http;
using Portable.Core.Idempotency;

namespace Portable.Core.Json;

/// <summary>Source-generated JSON for Core's own types: no reflection, Native AOT ready.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(IdempotencyRecord))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
