using System.Text.Json.Serialization;

namespace Portable.Azure.Worker;

/// <summary>The worker adapter's source-generated JSON metadata (binding data values arrive as JSON text).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class WorkerJsonContext : JsonSerializerContext;
