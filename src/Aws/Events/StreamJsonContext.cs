using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>Source-generated JSON for the Kinesis and DynamoDB Streams events (no reflection: AOT-safe).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(LambdaStreamEvent))]
[JsonSerializable(typeof(KinesisEventRecord))]
[JsonSerializable(typeof(DynamoDbStreamRecord))]
public sealed partial class StreamJsonContext : JsonSerializerContext;
