using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>The <c>202</c> body of <c>POST /jobs</c>: <c>{"id","status"}</c>.</summary>
/// <param name="Id">The job id, also in <c>Location: /jobs/{id}</c>.</param>
/// <param name="Status">Running; completed already for a job with no data rows (it has no chunk to wait for).</param>
public sealed record JobAccepted(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] JobStatus Status);
