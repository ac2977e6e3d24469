using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Storage;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// <c>job-upload-starter</c>: a CSV uploaded to the bucket (container) <c>uploads</c> with a <c>.csv</c> key starts
/// the same job as <c>POST /jobs</c>. The job id is <see cref="CsvJobs.JobIdFor"/> of the upload's
/// <see cref="ObjectCreated.DeduplicationKey"/>, so every delivery of one upload's event names one job: the idempotency
/// middleware suppresses a repeated delivery, and one that slips past it (after the 24 h the record is kept, or
/// racing a crashed attempt) finds the job started and starts nothing. The log says where the job is
/// (<c>GET /jobs/{id}</c>, event 6111; 6112 for a delivery that found it started).
/// </summary>
/// <remarks>
/// <para>An event without a version, entity tag or sequencer (no deduplication key) is keyed by what the store says of
/// the object it read (its version, else its entity tag), and failing that by the SHA-256 of the bytes read: the
/// same bytes under the same key are the same upload, as an entity tag would say.</para>
/// <para>What cannot become a job is dead-lettered with the reason, since no retry can change it: the object is gone
/// (deleted before it was read: an <see cref="ObjectNotFoundException"/>, which the storage invoker dead-letters), it
/// is larger than <see cref="JobOptions.MaxCsvBytes"/>, it is not a CSV of <c>category,amount</c> (empty, not UTF-8,
/// another first line; the content type is not looked at, as uploads are often labelled
/// <c>application/octet-stream</c>), or its job id exists for other content (a conflict). Store and queue
/// faults are transient: the event is delivered again and the start resumes.</para>
/// </remarks>
public sealed partial class JobUploadStarter(CsvJobs jobs, IObjectStore objects, ILogger<JobUploadStarter> logger) : IStorageFunction
{
    /// <summary>The function's name in the manifest.</summary>
    public const string FunctionName = "job-upload-starter";

    /// <summary>The bucket (container) whose uploads start jobs.</summary>
    public const string Bucket = "uploads";

    /// <summary>Only keys ending with this start a job.</summary>
    public const string Suffix = ".csv";

    /// <inheritdoc />
    public async ValueTask<MessageResult> HandleAsync(ObjectCreated created, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(created);
        await using var stored = await objects.OpenReadAsync(created.Bucket, created.Key, created.Version, cancellationToken).ConfigureAwait(false);
        JobStart start;
        if ((created.DeduplicationKey ?? (created with { Version = stored.Version, ETag = stored.ETag }).DeduplicationKey) is { } key)
        {
            start = await jobs.StartFromUploadAsync(key, stored.Content, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // Nothing names this upload but its bytes: read them (no more than the limit allows), and key the job by their hash.
            var content = await ReadAtMostAsync(stored.Content, jobs.Options.MaxCsvBytes + 1, cancellationToken).ConfigureAwait(false);
            key = $"{created.Bucket}/{created.Key}#c:{Convert.ToHexStringLower(SHA256.HashData(content.Span))}";
            start = await jobs.StartFromUploadAsync(key, content, cancellationToken).ConfigureAwait(false);
        }

        switch (start.Outcome)
        {
            case JobStartOutcome.Started:
                LogStarted(logger, created.Bucket, created.Key, start.JobId);
                return MessageResult.Success;
            case JobStartOutcome.AlreadyStarted:
                LogAlreadyStarted(logger, created.Bucket, created.Key, start.JobId);
                return MessageResult.Success;
            default:
                var reason = $"{created.Bucket}/{created.Key} cannot start a job ({start.Outcome}): {start.Error}";
                LogRefused(logger, created.Bucket, created.Key, start.Outcome, start.Error ?? string.Empty);
                return MessageResult.DeadLetter(reason);
        }
    }

    private static async ValueTask<ReadOnlyMemory<byte>> ReadAtMostAsync(Stream stream, int max, CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(max, 64 * 1024)];
        var length = 0;
        while (length < max)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, max));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return buffer.AsMemory(0, length);
    }

    [LoggerMessage(EventId = 6111, Level = LogLevel.Information, Message = "Upload {Bucket}/{Key} started job {JobId}: GET /jobs/{JobId}")]
    private static partial void LogStarted(ILogger logger, string bucket, string key, string jobId);

    [LoggerMessage(EventId = 6112, Level = LogLevel.Information, Message = "Upload {Bucket}/{Key} is job {JobId}, started already (a repeated delivery): GET /jobs/{JobId}")]
    private static partial void LogAlreadyStarted(ILogger logger, string bucket, string key, string jobId);

    [LoggerMessage(EventId = 6113, Level = LogLevel.Warning, Message = "Upload {Bucket}/{Key} cannot start a job ({Outcome}): {Error}")]
    private static partial void LogRefused(ILogger logger, string bucket, string key, JobStartOutcome outcome, string error);
}
