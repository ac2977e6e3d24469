using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Portable.Core.Patterns.Jobs;
using Portable.Compare.Hosts;

namespace Portable.Compare.Jobs;

/// <summary>
/// The local host as its users run it (<see cref="LocalHostProcess"/>): one <c>portable run</c> process serving
/// <c>jobs-api</c>, its own worker delivering <c>job-chunks</c> from the durable SQLite queue to
/// <c>job-chunk-worker</c>, state in the same SQLite file.
/// </summary>
/// <remarks>
/// The local queue has no at-least-once knob, and Portable's own host gains none for a test: the second delivery is
/// made from outside, through the host's queue API, as a publisher that sends a message again does. Before the job
/// is posted the test adds a tap to the host's SQLite file (a table and an insert trigger on its queue table) that
/// keeps the id and bytes of every message published to <c>job-chunks</c>; once <c>POST /jobs</c> has answered, each
/// of the job's chunk messages is sent again, byte for byte with its message id, with <c>POST /_local/queues/job-chunks</c>.
/// The host's worker delivers both copies. That each second copy reached the worker is read from the worker's own
/// log: event 6104 ("chunk … was counted already: duplicate delivery"), a debug event the host is started to show
/// with the standard logging configuration (<c>Logging__LogLevel__{category}=Debug</c>).
/// </remarks>
public sealed partial class LocalCsvJobHost : ICsvJobHost
{
    private const string TapTable = "conformance_job_chunk_tap";
    private static readonly TimeSpan TapDeadline = TimeSpan.FromSeconds(30);

    private readonly LocalHostProcess _process;
    private readonly HttpClient _client;
    private int _resent;
    private string? _jobId;

    private LocalCsvJobHost(LocalHostProcess process)
    {
        _process = process;
        _client = process.CreateClient(HostDefaults.RequestTimeout);
    }

    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public string Wiring => $"portable run: jobs-api, job-chunk-worker on the SQLite queue {JobChunkWorker.Queue}, state in the same SQLite file; every chunk message sent a second time through POST /_local/queues/{JobChunkWorker.Queue} ({_resent} so far)";

    /// <inheritdoc />
    public HttpClient Jobs => _client;

    /// <inheritdoc />
    public string Output => _process.Output;

    private string ConnectionString => new SqliteConnectionStringBuilder { DataSource = _process.DatabasePath, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString();

    /// <summary>Starts <c>portable run</c> with an empty data folder and the worker's debug events shown, then adds the tap.</summary>
    /// <param name="cancellationToken">Stops waiting for the host.</param>
    public static async Task<ICsvJobHost> StartAsync(CancellationToken cancellationToken = default)
    {
        var process = await LocalHostProcess.StartAsync(
            environment: new Dictionary<string, string?>(StringComparer.Ordinal) { [$"Logging__LogLevel__{typeof(JobChunkWorker).FullName}"] = "Debug" },
            maxOutputLines: 50_000,
            cancellationToken: cancellationToken);
        var host = new LocalCsvJobHost(process);
        try
        {
            await host.AddTapAsync();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until the tap holds the job's <paramref name="chunks"/> chunk messages (published before the POST answered), then sends each again.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="chunks">Its chunks.</param>
    /// <exception cref="TimeoutException">Fewer messages were published within 30 s.</exception>
    public async Task JobStartedAsync(string jobId, int chunks)
    {
        _jobId = jobId;
        var clock = Stopwatch.StartNew();
        List<(string Id, string Body)> messages;
        while ((messages = await TappedAsync(jobId)).Count < chunks)
        {
            ThrowIfBroken();
            if (clock.Elapsed > TapDeadline)
            {
                throw new TimeoutException($"[local] only {messages.Count} of job {jobId}'s {chunks} chunk messages were published to {JobChunkWorker.Queue}.");
            }

            await Task.Delay(50);
        }

        foreach (var (id, body) in messages)
        {
            await _process.EnqueueAsync(JobChunkWorker.Queue, body, id);
            Interlocked.Increment(ref _resent);
        }
    }

    /// <inheritdoc />
    public async Task<bool> IsQueueIdleAsync() => (await _process.DepthAsync(JobChunkWorker.Queue)).Messages == 0;

    /// <inheritdoc />
    public async Task<int> DeadLetterCountAsync() => (int)(await _process.DepthAsync(JobChunkWorker.Queue)).DeadLetters;

    /// <summary>The chunks the worker logged event 6104 for: each a second delivery that found its chunk counted already.</summary>
    public Task<int> DeliveredTwiceAsync() =>
        Task.FromResult(CountedAlready().Matches(Output)
            .Where(m => m.Groups["job"].Value == _jobId)
            .Select(m => m.Groups["chunk"].Value)
            .Distinct(StringComparer.Ordinal)
            .Count());

    /// <inheritdoc />
    public void ThrowIfBroken()
    {
        if (_process.Process.HasExited)
        {
            throw new InvalidOperationException($"portable run exited with code {_process.Process.ExitCode}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        SqliteConnection.ClearAllPools();
        await _process.DisposeAsync();
    }

    // The queue table is the host's (created when it started); the trigger keeps the first copy of each message id.
    private async Task AddTapAsync()
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE {TapTable} (id TEXT PRIMARY KEY, body BLOB NOT NULL);
            CREATE TRIGGER {TapTable}_insert AFTER INSERT ON queue_messages WHEN NEW.queue = '{JobChunkWorker.Queue}'
            BEGIN
                INSERT OR IGNORE INTO {TapTable} (id, body) VALUES (NEW.id, NEW.body);
            END;
            """;
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<(string Id, string Body)>> TappedAsync(string jobId)
    {
        await using var connection = new SqliteConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, body FROM {TapTable} ORDER BY rowid";
        var messages = new List<(string Id, string Body)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var body = Encoding.UTF8.GetString((byte[])reader.GetValue(1));
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.GetProperty("job").GetString() == jobId)
            {
                messages.Add((reader.GetString(0), body));
            }
        }

        return messages;
    }

    [GeneratedRegex(@"\[6104\] Job (?<job>\S+) chunk (?<chunk>\d+) was counted already: duplicate delivery")]
    private static partial Regex CountedAlready();
}
