using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>Source-generated JSON for the SQS event and the partial batch response (no reflection: AOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SqsEvent))]
[JsonSerializable(typeof(SqsBatchResponse))]
public sealed partial class SqsJsonContext : JsonSerializerContext;
