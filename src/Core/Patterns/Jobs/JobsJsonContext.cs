using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>Source-generated JSON for the CSV jobs' documents, messages and responses.</summary>
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(JobView))]
[JsonSerializable(typeof(JobRecord))]
[JsonSerializable(typeof(ChunkRecord))]
[JsonSerializable(typeof(ChunkMessage))]
[JsonSourceGenerationOptions(RespectRequiredConstructorParameters = true, RespectNullableAnnotations = true)]
internal sealed partial class JobsJsonContext : JsonSerializerContext;
