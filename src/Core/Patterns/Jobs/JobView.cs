using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// The body of <c>GET /jobs/{id}</c>, derived from the job's per-chunk records: the totals of the chunks counted so
/// far (final once <see cref="Status"/> is completed).
/// </summary>
/// <param name="Id">The job id.</param>
/// <param name="Status">Running or completed.</param>
/// <param name="Chunks">Chunks in all and counted.</param>
/// <param name="Rows">Accepted data rows in the counted chunks; rejected rows are not counted here but listed in <paramref name="Rejected"/>.</param>
/// <param name="Rejected">The malformed rows of the counted chunks, by line.</param>
/// <param name="Result">Count and sum per category, categories in ordinal order.</param>
public sealed record JobView(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] JobStatus Status,
    [property: JsonPropertyName("chunks")] JobChunkCounts Chunks,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("rejected")] IReadOnlyList<RejectedRow> Rejected,
    [property: JsonPropertyName("result")] IReadOnlyDictionary<string, CategoryTotal> Result);
