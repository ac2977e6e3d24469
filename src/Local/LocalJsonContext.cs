using System.Text.Json.Serialization;

namespace Portable.Local;

/// <summary>Source-generated JSON for the local host's own documents.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = false)]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(Queues.DeadLetterView))]
[JsonSerializable(typeof(Queues.DeadLetterList))]
[JsonSerializable(typeof(Queues.EnqueueResult))]
[JsonSerializable(typeof(Queues.RedriveResult))]
[JsonSerializable(typeof(Queues.QueueDepth))]
[JsonSerializable(typeof(Events.PublishResult))]
[JsonSerializable(typeof(Storage.UploadResult))]
internal sealed partial class LocalJsonContext : JsonSerializerContext;
