using System.Text.Json.Serialization;
using Portable.Core.Http;
using Portable.Core.Idempotency;
using Portable.Core.Storage;

namespace Portable.Core.Json;

/// <summary>Source-generated JSON for Core's own types: no reflection, Native AOT ready.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(IdempotencyRecord))]
[JsonSerializable(typeof(ObjectCreated))]
public sealed partial class CoreJsonContext : JsonSerializerContext;
