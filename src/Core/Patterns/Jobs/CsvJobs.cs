using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Orders;
using Portable.Core.Resilience;
using Portable.Core.State;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// Pattern 3, fan-out / fan-in: a CSV of <c>category,amount</c> rows split into chunks, one queue message per chunk
/// (<see cref="JobChunkWorker"/> counts each), the totals derived from one record per chunk. This service starts jobs
/// (from <c>POST /jobs</c> or from an uploaded object) and reads their state.
/// </summary>
/// <remarks>
/// <para>Starting a job writes its record (insert-if-absent under the job id), publishes its chunk messages, then marks
/// the record published. Starting the same id again with the same CSV starts nothing: it publishes the chunks again only
/// when the first start did not get that far, so a redelivered upload or a retried request heals a start that crashed
/// half-way. The same id with another CSV is a conflict.</para>
/// <para>Each chunk message carries its rows' text (at most <see cref="MaxChunkMessageBytes"/> of JSON), so a worker needs
/// nothing but its message; a row too long to carry (<see cref="MaxRowMessageBytes"/>) is rejected by the split.</para>
/// <para>The state store promises single-item atomicity only, so nothing here needs two writes to agree: a chunk's
/// record is its exactly-once marker, and the job's totals are summed from the chunk records on every read.</para>
/// </remarks>
public sealed partial class CsvJobs
{
    /// <summary>The collection holding job records, under the job id.</summary>
    public const string JobsCollection = "jobs";

    /// <summary>The most chunks one job may have (its record keeps a bit per chunk: 2.5 KB at most).</summary>
    public const int MaxChunks = 20_000;

    /// <summary>
    /// 16 KiB, the largest chunk message (JSON): a third of what the smallest queue takes, an Azure Storage queue message
    /// (64 KiB after base64, so 48 KiB of payload; "Azure Queue Storage introduction").
    /// </summary>
    public const int MaxChunkMessageBytes = 16 * 1024;

    /// <summary>8 KiB: a row longer than this (JSON-escaped, as it would travel) is rejected rather than carried.</summary>
    public const int MaxRowMessageBytes = 8 * 1024;

    /// <summary>The longest job id.</summary>
    public const int MaxJobIdLength = 64;

    private const int PublishParallelism = 8;

    private readonly IStateStore _store;
    private readonly IMessagePublisher _publisher;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;

    /// <summary>Creates the service over the state store and the publisher, with <paramref name="options"/> (validated here).</summary>
    public CsvJobs(IStateStore store, IMessagePublisher publisher, TimeProvider timeProvider, JobOptions options, ILogger<CsvJobs> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        options.Validate();
        _store = store;
        _publisher = publisher;
        _timeProvider = timeProvider;
        _logger = logger;
        Options = options;
    }

    /// <summary>The chunk size and size limit in force.</summary>
    public JobOptions Options { get; }

    /// <summary>The collection holding job <paramref name="jobId"/>'s chunk records, under the chunk index (five digits, so they list in order).</summary>
    public static string ChunksCollection(string jobId) => "job-chunks:" + jobId;

    /// <summary>
    /// The job id for an upload named by <paramref name="dedupKey"/> (bucket + key + version, etag or generation: whatever
    /// tells one upload from another): <c>j</c> and 32 hex digits of its SHA-256, so every delivery of the same upload event
    /// names the same job.
    /// </summary>
    public static string JobIdFor(string dedupKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(dedupKey);
        return "j" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(dedupKey)).AsSpan(0, 16));
    }

    /// <summary>True for a usable job id: 1 to <see cref="MaxJobIdLength"/> ASCII letters, digits, <c>-</c> or <c>_</c>.</summary>
    public static bool IsJobId(string? jobId) =>
        jobId is { Length: > 0 and <= MaxJobIdLength } && jobId.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    /// <summary>Starts the job for the upload <paramref name="dedupKey"/> names (its id from <see cref="JobIdFor"/>).</summary>
    public ValueTask<JobStart> StartFromUploadAsync(string dedupKey, ReadOnlyMemory<byte> csv, CancellationToken cancellationToken = default) =>
        StartAsync(JobIdFor(dedupKey), csv, cancellationToken);

    /// <summary>Starts the job for the upload <paramref name="dedupKey"/> names, reading the object from <paramref name="csv"/>.</summary>
    public ValueTask<JobStart> StartFromUploadAsync(string dedupKey, Stream csv, CancellationToken cancellationToken = default) =>
        StartAsync(JobIdFor(dedupKey), csv, cancellationToken);

    /// <summary>
    /// Starts job <paramref name="jobId"/> over <paramref name="csv"/>, read to its end (at most
    /// <see cref="JobOptions.MaxCsvBytes"/>: more is <see cref="JobStartOutcome.TooLarge"/>, without reading the rest).
    /// </summary>
    public async ValueTask<JobStart> StartAsync(string jobId, Stream csv, CancellationToken cancellationToken = default)
    {
        ThrowIfNotJobId(jobId);
        ArgumentNullException.ThrowIfNull(csv);
        var buffer = new byte[Math.Min(Options.MaxCsvBytes + 1, 64 * 1024)];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                if (length > Options.MaxCsvBytes)
                {
                    return TooLarge(jobId);
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, Options.MaxCsvBytes + 1));
            }

            var read = await csv.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
        }

        return await StartAsync(jobId, buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts job <paramref name="jobId"/> over <paramref name="csv"/> (UTF-8, a byte order mark allowed; first line
    /// <c>category,amount</c>): records it and publishes one message per chunk to <see cref="JobChunkWorker.Queue"/>. A job
    /// with no data rows is completed at once. Safe to call again with the same id and CSV (see <see cref="CsvJobs"/>).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="jobId"/> is not a job id (<see cref="IsJobId"/>).</exception>
    public async ValueTask<JobStart> StartAsync(string jobId, ReadOnlyMemory<byte> csv, CancellationToken cancellationToken = default)
    {
        ThrowIfNotJobId(jobId);
        if (csv.Length > Options.MaxCsvBytes)
        {
            return TooLarge(jobId);
        }

        if (await _store.GetAsync(JobsCollection, jobId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return await ResumeAsync(existing, csv, cancellationToken).ConfigureAwait(false);
        }

        if (!JobPlan.TrySplit(csv, Options.ChunkRows, out var plan, out var failure, out var error))
        {
            return new JobStart(jobId, failure, null, error);
        }

        var now = _timeProvider.GetUtcNow();
        var empty = plan.Chunks.Count == 0;
        var job = new JobRecord(
            jobId,
            empty ? JobStatus.Completed : JobStatus.Running,
            plan.Chunks.Count,
            Options.ChunkRows,
            plan.ContentHash,
            Published: empty,
            new byte[(plan.Chunks.Count + 7) / 8],
            now,
            empty ? now : null);
        var written = await _store.InsertAsync(JobsCollection, jobId, JsonSerializer.SerializeToUtf8Bytes(job, JobsJsonContext.Default.JobRecord), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!written.Succeeded)
        {
            // Another start of this id got there first, or this one did and its answer was lost (a retried insert).
            existing = await _store.GetAsync(JobsCollection, jobId, cancellationToken).ConfigureAwait(false)
                ?? throw new TransientException($"Job {jobId} vanished between insert and read.");
            return await ResumeAsync(existing, csv, cancellationToken).ConfigureAwait(false);
        }

        if (!empty)
        {
            await PublishAsync(jobId, plan, cancellationToken).ConfigureAwait(false);
        }

        LogStarted(_logger, jobId, plan.Chunks.Count);
        return new JobStart(jobId, JobStartOutcome.Started, job.Status);
    }

    /// <summary>
    /// Job <paramref name="jobId"/> as <c>GET /jobs/{id}</c> shows it, summed from the chunk records written so far; null
    /// when there is no such job.
    /// </summary>
    public async ValueTask<JobView?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (!IsJobId(jobId) || await _store.GetAsync(JobsCollection, jobId, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return null;
        }

        var job = JsonSerializer.Deserialize(entry.Value.Span, JobsJsonContext.Default.JobRecord)!;
        var totals = new Dictionary<string, (int Count, decimal Sum)>(StringComparer.Ordinal);
        var rejected = new List<RejectedRow>();
        var rows = 0;
        var done = 0;
        string? after = null;
        while (true)
        {
            var page = await _store.ListAsync(ChunksCollection(jobId), 500, after, cancellationToken).ConfigureAwait(false);
            foreach (var chunkEntry in page.Entries)
            {
                var chunk = JsonSerializer.Deserialize(chunkEntry.Value.Span, JobsJsonContext.Default.ChunkRecord)!;
                done++;
                rows += chunk.Rows;
                rejected.AddRange(chunk.Rejected);
                foreach (var (category, total) in chunk.Result)
                {
                    totals[category] = totals.TryGetValue(category, out var sum)
                        ? (sum.Count + total.Count, ChunkTally.Add(sum.Sum, total.Sum))
                        : (total.Count, total.Sum);
                }
            }

            if (!page.HasMore || page.Entries.Count == 0)
            {
                break;
            }

            after = page.Entries[^1].Key;
        }

        var result = new SortedDictionary<string, CategoryTotal>(StringComparer.Ordinal);
        foreach (var (category, total) in totals)
        {
            result[category] = new CategoryTotal(total.Count, total.Sum);
        }

        return new JobView(jobId, job.Status, new JobChunkCounts(job.Chunks, done), rows, [.. rejected.OrderBy(r => r.Line)], result);
    }

    /// <summary>The key of chunk <paramref name="index"/>'s record.</summary>
    internal static string ChunkKey(int index) => index.ToString("D5", CultureInfo.InvariantCulture);

    // The job is there: the same CSV is the same job (its chunks published now if the first start stopped short), another is a conflict.
    private async ValueTask<JobStart> ResumeAsync(StateEntry existing, ReadOnlyMemory<byte> csv, CancellationToken cancellationToken)
    {
        var job = JsonSerializer.Deserialize(existing.Value.Span, JobsJsonContext.Default.JobRecord)!;
        if (job.ContentHash != JobPlan.HashOf(csv.Span))
        {
            return new JobStart(job.Id, JobStartOutcome.Conflict, null, $"Job {job.Id} exists already for another CSV.");
        }

        if (!job.Published)
        {
            if (!JobPlan.TrySplit(csv, job.ChunkRows, out var plan, out _, out var error) || plan.Chunks.Count != job.Chunks)
            {
                throw new InvalidOperationException($"Job {job.Id}'s CSV no longer splits into its {job.Chunks} chunks. {error}");
            }

            await PublishAsync(job.Id, plan, cancellationToken).ConfigureAwait(false);
            LogRepublished(_logger, job.Id, job.Chunks);
        }

        return new JobStart(job.Id, JobStartOutcome.AlreadyStarted, job.Status);
    }

    // Every chunk message (a few at a time: one invocation publishes them all), then the mark that they were published.
    private async ValueTask PublishAsync(string jobId, JobPlan plan, CancellationToken cancellationToken)
    {
        await Parallel.ForAsync(0, plan.Chunks.Count, new ParallelOptions { MaxDegreeOfParallelism = PublishParallelism, CancellationToken = cancellationToken }, async (index, ct) =>
        {
            var body = JobsJson.Serialize(plan.Message(jobId, index), JobsJsonContext.Default.ChunkMessage);
            await _publisher.PublishAsync(JobChunkWorker.Queue, new OutgoingMessage(body, MessageId: $"{jobId}-{ChunkKey(index)}"), ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        await ConditionalUpdate.UpdateAsync(
            _store,
            JobsCollection,
            jobId,
            JobsJsonContext.Default.JobRecord,
            current => current is null
                ? throw new InvalidOperationException($"Job {jobId} vanished while its chunks were published.")
                : current.Published ? null : current with { Published = true },
            cancellationToken).ConfigureAwait(false);
    }

    private JobStart TooLarge(string jobId) =>
        new(jobId, JobStartOutcome.TooLarge, null, $"The CSV is larger than the limit of {Options.MaxCsvBytes} bytes.");

    private static void ThrowIfNotJobId(string jobId)
    {
        if (!IsJobId(jobId))
        {
            throw new ArgumentException($"'{jobId}' is not a job id: 1 to {MaxJobIdLength} ASCII letters, digits, '-' or '_'.", nameof(jobId));
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Job {JobId} started with {Chunks} chunks")]
    private static partial void LogStarted(ILogger logger, string jobId, int chunks);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "Job {JobId} was found not yet published (a start cut short, or its answer lost): its {Chunks} chunks were published")]
    private static partial void LogRepublished(ILogger logger, string jobId, int chunks);
}
