using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>How far a job's fan-in is: its chunks, and how many of them are counted.</summary>
/// <param name="Total">The chunks the job was split into (0 for a job with no data rows).</param>
/// <param name="Done">The chunks whose totals are recorded.</param>
public sealed record JobChunkCounts(
    [property: JsonPropertyName("total")] int Total,
    [property: JsonPropertyName("done")] int Done);
