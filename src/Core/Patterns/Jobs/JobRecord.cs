using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// A job as stored in <see cref="CsvJobs.JobsCollection"/>: what it was split into and which chunks are counted.
/// <see cref="Done"/> holds one bit per chunk, set by a conditional write once that chunk's record is in, so a
/// redelivered chunk sets nothing new and the write that sets the last bit is the one that completes the job. The
/// totals are not here: they are derived from the chunk records (a single document would need a transaction to stay
/// in step with them).
/// </summary>
/// <param name="Id">The job id.</param>
/// <param name="Status">Running until every bit of <see cref="Done"/> is set.</param>
/// <param name="Chunks">How many chunks the CSV was split into.</param>
/// <param name="ChunkRows">The rows-per-chunk setting it was split with, so a restart splits it the same way whatever the setting is now.</param>
/// <param name="ContentHash">Hex SHA-256 of the CSV's bytes: the same id with another CSV is a conflict.</param>
/// <param name="Published">True once every chunk message was published; until then a restart publishes them (again).</param>
/// <param name="Done">The counted chunks, chunk <c>i</c> in bit <c>i % 8</c> of byte <c>i / 8</c>.</param>
/// <param name="CreatedAt">When the job was recorded.</param>
/// <param name="CompletedAt">When its last chunk was counted.</param>
internal sealed record JobRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("status")] JobStatus Status,
    [property: JsonPropertyName("chunks")] int Chunks,
    [property: JsonPropertyName("chunkRows")] int ChunkRows,
    [property: JsonPropertyName("contentHash")] string ContentHash,
    [property: JsonPropertyName("published")] bool Published,
    [property: JsonPropertyName("done")] byte[] Done,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("completedAt")] DateTimeOffset? CompletedAt)
{
    /// <summary>Whether chunk <paramref name="index"/> is counted.</summary>
    public bool IsDone(int index) => (Done[index >> 3] & (1 << (index & 7))) != 0;

    /// <summary>This record with chunk <paramref name="index"/> counted, completed (at <paramref name="now"/>) when it was the last one.</summary>
    public JobRecord WithDone(int index, DateTimeOffset now)
    {
        var done = (byte[])Done.Clone();
        done[index >> 3] |= (byte)(1 << (index & 7));
        var next = this with { Done = done };
        return next.AllDone() ? next with { Status = JobStatus.Completed, CompletedAt = now } : next;
    }

    private bool AllDone()
    {
        for (var i = 0; i < Chunks; i++)
        {
            if (!IsDone(i))
            {
                return false;
            }
        }

        return true;
    }
}
