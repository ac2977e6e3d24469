using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Orders;
using Portable.Core.State;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// <c>job-chunk-worker</c>, the fan-in: counts one chunk of a CSV job and records it exactly once, however often and
/// however concurrently its message is delivered. It writes the chunk's record with insert-if-absent (a duplicate
/// finds it there and writes nothing), then sets the chunk's bit in the job record with a conditional write, and the
/// write that sets the last bit completes the job — once, since a write made from a stale read loses its condition.
/// A worker killed between the two writes is healed by the redelivery: the record is there, the bit gets set. Bad
/// messages (not a chunk message, an unknown job or chunk) are dead-lettered; store failures are retried.
/// </summary>
public sealed partial class JobChunkWorker(IStateStore store, TimeProvider timeProvider, ILogger<JobChunkWorker> logger) : IMessageFunction
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "job-chunk-worker";

    /// <summary>The queue chunk messages are published to.</summary>
    public const string Queue = "job-chunks";

    /// <summary>
    /// The trigger options: the generic message-idempotency middleware is off, as the chunk records and the job's bits
    /// keep each chunk counted once by themselves (and a platform that re-publishes gives a duplicate a new message id).
    /// </summary>
    public static QueueTriggerOptions TriggerOptions { get; } = new() { DisableIdempotency = true };

    /// <inheritdoc />
    public async ValueTask<MessageResult> HandleAsync(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!TryRead(message.Body.Span, out var chunk, out var error))
        {
            return MessageResult.DeadLetter(error);
        }

        if (await store.GetAsync(CsvJobs.JobsCollection, chunk.Job, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return MessageResult.DeadLetter($"Job {chunk.Job} does not exist.");
        }

        var job = JsonSerializer.Deserialize(entry.Value.Span, JobsJsonContext.Default.JobRecord)!;
        if (chunk.Chunk >= job.Chunks)
        {
            return MessageResult.DeadLetter($"Job {chunk.Job} has {job.Chunks} chunks; there is no chunk {chunk.Chunk}.");
        }

        if (job.IsDone(chunk.Chunk))
        {
            LogDuplicate(logger, chunk.Job, chunk.Chunk);
            return MessageResult.Success;
        }

        // The record first: once it is in, the chunk's totals are fixed, whichever delivery wrote them.
        var record = JobsJson.Serialize(ChunkTally.Count(chunk), JobsJsonContext.Default.ChunkRecord);
        await store.InsertAsync(CsvJobs.ChunksCollection(chunk.Job), CsvJobs.ChunkKey(chunk.Chunk), record, cancellationToken: cancellationToken).ConfigureAwait(false);

        var completedNow = false;
        await ConditionalUpdate.UpdateAsync(
            store,
            CsvJobs.JobsCollection,
            chunk.Job,
            JobsJsonContext.Default.JobRecord,
            current =>
            {
                completedNow = false;
                if (current is null)
                {
                    throw new InvalidOperationException($"Job {chunk.Job} vanished while chunk {chunk.Chunk} was counted.");
                }

                if (current.IsDone(chunk.Chunk))
                {
                    return null;
                }

                var next = current.WithDone(chunk.Chunk, timeProvider.GetUtcNow());
                completedNow = next.Status == JobStatus.Completed;
                return next;
            },
            cancellationToken).ConfigureAwait(false);

        if (completedNow)
        {
            LogCompleted(logger, chunk.Job, job.Chunks);
        }

        return MessageResult.Success;
    }

    private static bool TryRead(ReadOnlySpan<byte> body, out ChunkMessage chunk, out string error)
    {
        chunk = null!;
        try
        {
            chunk = JsonSerializer.Deserialize(body, JobsJsonContext.Default.ChunkMessage)!;
        }
        catch (JsonException ex)
        {
            error = $"Not a job chunk message: {ex.Message}";
            return false;
        }

        error = chunk switch
        {
            null => "Not a job chunk message: null.",
            _ when !CsvJobs.IsJobId(chunk.Job) => $"Not a job chunk message: '{chunk.Job}' is not a job id.",
            _ when chunk.Chunk is < 0 or >= CsvJobs.MaxChunks => $"Not a job chunk message: chunk {chunk.Chunk} is out of range.",
            _ when chunk.Line < 2 => $"Not a job chunk message: line {chunk.Line} is before the first data line.",
            _ => string.Empty,
        };
        return error.Length == 0;
    }

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Job {JobId} completed: all {Chunks} chunks counted")]
    private static partial void LogCompleted(ILogger logger, string jobId, int chunks);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Debug, Message = "Job {JobId} chunk {Chunk} was counted already: duplicate delivery")]
    private static partial void LogDuplicate(ILogger logger, string jobId, int chunk);
}
