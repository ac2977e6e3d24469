using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// One chunk's totals, in <see cref="CsvJobs.ChunksCollection"/> of its job under the chunk's index: written once,
/// with insert-if-absent, so it is also the marker that the chunk was counted.
/// </summary>
/// <param name="Rows">Accepted data rows.</param>
/// <param name="Rejected">Malformed rows, by line.</param>
/// <param name="Result">Count and sum per category.</param>
internal sealed record ChunkRecord(
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("rejected")] IReadOnlyList<RejectedRow> Rejected,
    [property: JsonPropertyName("result")] IReadOnlyDictionary<string, CategoryTotal> Result);
