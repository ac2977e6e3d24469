using System.Text.Json.Serialization;

namespace Portable.Aws.EventBridge;

/// <summary>Source-generated JSON for <c>PutEvents</c> (no reflection: AOT-safe). Members keep the API's PascalCase names.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PutEventsRequest))]
[JsonSerializable(typeof(PutEventsResponse))]
public sealed partial class EventBridgeJsonContext : JsonSerializerContext;
