using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// A chunk's queue message: its rows as the CSV's own text (a slice that starts and ends on record boundaries, parsed
/// again by the worker from <see cref="Line"/>), plus the rows too long to carry, already rejected. It is at most
/// <see cref="CsvJobs.MaxChunkMessageBytes"/> as JSON, well under the smallest queue limit (a Storage queue message
/// is 64 KiB after base64, so 48 KiB of JSON), and needs nothing but the message itself (no blob to read back).
/// </summary>
/// <param name="Job">The job id.</param>
/// <param name="Chunk">The chunk's index, from 0.</param>
/// <param name="Line">The line <see cref="Text"/> starts on.</param>
/// <param name="Text">The chunk's records, blank lines between them included, without the line break after the last.</param>
/// <param name="Skipped">Rows of this chunk left out of <see cref="Text"/> for their length, all before it.</param>
internal sealed record ChunkMessage(
    [property: JsonPropertyName("job")] string Job,
    [property: JsonPropertyName("chunk")] int Chunk,
    [property: JsonPropertyName("line")] int Line,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("skipped"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RejectedRow>? Skipped = null);
