using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Portable.Compare.Jobs;
using Portable.Compare.Model;
using Portable.Core.Patterns.Jobs;

namespace Portable.Compare.Scenarios;

/// <summary>
/// The CSV job's fan-out / fan-in (issue 11) on one host, with the conformance suite's wiring (src/Compare/Jobs): a
/// deterministic CSV of <see cref="DataRows"/> rows (two of them malformed) is posted to <c>POST /jobs</c>, split into
/// chunk messages of <see cref="JobOptions.DefaultChunkRows"/> rows, and totalled by the chunk worker while the
/// platform delivers every chunk message twice. The job must complete with exactly the per-category counts and sums
/// computed here with <see cref="decimal"/>, the malformed rows rejected with their lines, and the second deliveries
/// recognised and changing nothing.
/// </summary>
public sealed class CsvFanOutScenario : ICompareScenario
{
    /// <summary>Data rows, header not counted: a fifth of the conformance test's 10,000, to keep a host's run short.</summary>
    public const int DataRows = 2_000;

    /// <summary>The chunks the job is split into.</summary>
    public const int Chunks = (DataRows + JobOptions.DefaultChunkRows - 1) / JobOptions.DefaultChunkRows;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    // The hosts' concurrency, as the conformance suite runs them.
    private const int AwsWorkerEnvironments = 2;
    private const int GcpOutstandingPushes = 8;
    private const int AzureBatchSize = 8;

    private static readonly string[] Categories = ["books", "food, drink", "garden", "toys"];

    /// <summary>The malformed rows by line (the header is line 1), each with the reason the job gives.</summary>
    private static readonly (int Line, string Text, string Reason)[] Malformed =
    [
        (50, "books,12.3.4", "amount is not a decimal number"),
        (1_500, ",5.00", "category is empty"),
    ];

    /// <summary>The CSV: header, then <see cref="DataRows"/> rows, CRLF after every line.</summary>
    public static byte[] Csv { get; } = BuildCsv();

    /// <summary>What every host must end with: each category's count and exact sum, computed here from the rows.</summary>
    public static IReadOnlyDictionary<string, (int Count, decimal Sum)> ExpectedTotals { get; } = BuildTotals();

    /// <inheritdoc />
    public string Id => "csv-fan-out";

    /// <inheritdoc />
    public string Pattern => "Fan-out / fan-in";

    /// <inheritdoc />
    public string Title => "CSV job: fan-out to chunks, fan-in of the totals";

    /// <inheritdoc />
    public string Description =>
        string.Create(CultureInfo.InvariantCulture, $"A CSV of {DataRows:N0} rows (two malformed) posted to POST /jobs is split into {Chunks} chunk messages of {JobOptions.DefaultChunkRows} rows; ")
        + "the chunk worker totals each while the platform delivers every chunk message twice, and the job must complete with the exact totals, the rejected lines, and nothing counted twice.";

    /// <inheritdoc />
    public bool RunsLive => false;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.StartNew();
        context.Progress($"[{host}] {Id}: starting the job's host");
        await using var target = await StartAsync(host, cancellationToken);
        var startup = started.Elapsed;
        context.Progress($"[{host}] {Id}: started in {startup.TotalSeconds:0.0} s: {target.Wiring}");

        var clock = Stopwatch.StartNew();
        var id = await PostAsync(target, cancellationToken);
        var accepted = clock.Elapsed;
        await target.JobStartedAsync(id, Chunks);
        context.Progress($"[{host}] {Id}: job {id} accepted in {accepted.TotalSeconds:0.0} s, {Chunks} chunks fanned out");

        var (job, text) = await JobAsync(target, id, cancellationToken);
        while (Status(job) == "running" && clock.Elapsed < Deadline)
        {
            target.ThrowIfBroken();
            await Task.Delay(PollInterval, cancellationToken);
            (job, text) = await JobAsync(target, id, cancellationToken);
        }

        var done = clock.Elapsed;
        if (Status(job) != "completed")
        {
            return new HostResult
            {
                Host = host,
                Outcome = Status(job),
                AsExpected = false,
                Effects = $"{ChunksDone(job)} of {Chunks} chunks done",
                Limit = LimitOf(host),
                Note = string.Create(CultureInfo.InvariantCulture, $"Not completed {done.TotalSeconds:0.0} s after the POST: {text}"),
            };
        }

        context.Progress($"[{host}] {Id}: completed {done.TotalSeconds:0.0} s after the POST; waiting for the second deliveries to settle");
        // Settled when every chunk's second delivery has come and the queue stays empty across two looks a poll apart:
        // one empty look can be a moment between a lost delete and its redelivery (seen on the Storage queue).
        var idle = false;
        while (!idle && clock.Elapsed < Deadline)
        {
            target.ThrowIfBroken();
            if (await target.DeliveredTwiceAsync() >= Chunks && await target.IsQueueIdleAsync())
            {
                await Task.Delay(PollInterval, cancellationToken);
                idle = await target.IsQueueIdleAsync();
                continue;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        var settled = clock.Elapsed;
        var (after, afterText) = await JobAsync(target, id, cancellationToken);
        var twice = await target.DeliveredTwiceAsync();
        var deadLetters = await target.DeadLetterCountAsync();

        var wrong = Check(after);
        if (afterText != text)
        {
            wrong.Add("the second deliveries changed the job after it completed");
        }

        if (!idle)
        {
            wrong.Add($"job-chunks still held messages {Deadline.TotalSeconds:0} s after the POST");
        }

        if (twice != Chunks)
        {
            wrong.Add($"{twice} of {Chunks} chunk messages were delivered twice");
        }

        if (deadLetters > 0)
        {
            wrong.Add($"{deadLetters} chunk message(s) dead-lettered");
        }

        var rows = after.GetProperty("rows").GetInt32();
        var rejected = after.GetProperty("rejected").GetArrayLength();
        var result = new HostResult
        {
            Host = host,
            Outcome = Status(after),
            AsExpected = wrong.Count == 0,
            DuplicatesSuppressed = twice,
            Effects = string.Create(CultureInfo.InvariantCulture, $"{rows:N0} rows totalled in {ChunksDone(after)} of {Chunks} chunks, {rejected} rejected; {(wrong.Count == 0 ? "totals exact" : "totals wrong")}"),
            Limit = LimitOf(host),
            Note = string.Create(CultureInfo.InvariantCulture,
                $"{DataRows:N0} rows (the conformance test runs 10,000); POST to completed {done.TotalSeconds:0.0} s, second deliveries settled at {settled.TotalSeconds:0.0} s; "
                + $"no per-chunk latency: the platforms' delivery records do not time a chunk's processing; host started in {startup.TotalSeconds:0.0} s.")
                + (wrong.Count == 0 ? string.Empty : " Not as the job's rules say: " + string.Join("; ", wrong) + "."),
        };
        context.Progress($"[{host}] {Id}: {result.Outcome}; {result.Effects}; {twice} second deliveries recognised");
        return result;
    }

    private static List<string> Check(JsonElement job)
    {
        var wrong = new List<string>();
        var expectedRows = ExpectedTotals.Values.Sum(t => t.Count);
        if (job.GetProperty("rows").GetInt32() != expectedRows)
        {
            wrong.Add($"{job.GetProperty("rows").GetInt32()} rows; expected {expectedRows}");
        }

        if (ChunksDone(job) != Chunks || job.GetProperty("chunks").GetProperty("total").GetInt32() != Chunks)
        {
            wrong.Add($"chunks {job.GetProperty("chunks")}; expected {Chunks} of {Chunks}");
        }

        var rejected = job.GetProperty("rejected").EnumerateArray().Select(r => (r.GetProperty("line").GetInt32(), r.GetProperty("reason").GetString())).ToList();
        if (!rejected.SequenceEqual(Malformed.Select(m => (m.Line, (string?)m.Reason))))
        {
            wrong.Add($"rejected {job.GetProperty("rejected")}");
        }

        var totals = job.GetProperty("result").EnumerateObject().ToDictionary(c => c.Name, c => (c.Value.GetProperty("count").GetInt32(), c.Value.GetProperty("sum").GetDecimal()), StringComparer.Ordinal);
        if (totals.Count != ExpectedTotals.Count || ExpectedTotals.Any(e => !totals.TryGetValue(e.Key, out var total) || total != e.Value))
        {
            wrong.Add($"totals {job.GetProperty("result")}");
        }

        return wrong;
    }

    private static string Status(JsonElement job) => job.GetProperty("status").GetString() ?? "none";

    private static int ChunksDone(JsonElement job) => job.GetProperty("chunks").GetProperty("done").GetInt32();

    private static async Task<string> PostAsync(ICsvJobHost target, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(Csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        using var response = await target.Jobs.PostAsync(new Uri("/jobs", UriKind.Relative), content, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"[{target.Name}] POST /jobs answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return json.RootElement.GetProperty("id").GetString() ?? throw new InvalidOperationException($"[{target.Name}] POST /jobs answered no id: {text}");
    }

    private static async Task<(JsonElement Job, string Text)> JobAsync(ICsvJobHost target, string id, CancellationToken cancellationToken)
    {
        using var response = await target.Jobs.GetAsync(new Uri($"/jobs/{id}", UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"[{target.Name}] GET /jobs/{id} answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return (json.RootElement.Clone(), text);
    }

    private static async Task<ICsvJobHost> StartAsync(string host, CancellationToken cancellationToken) => host switch
    {
        CompareHosts.Local => await LocalCsvJobHost.StartAsync(cancellationToken),
        CompareHosts.Aws => await AwsCsvJobHost.StartAsync(AwsWorkerEnvironments, cancellationToken),
        CompareHosts.Gcp => await GcpCsvJobHost.StartAsync(GcpOutstandingPushes, cancellationToken),
        CompareHosts.Azure => await AzureCsvJobHost.StartAsync(AzureBatchSize, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(host), host, $"One of {string.Join(", ", CompareHosts.All)}."),
    };

    // How the chunks travel on each host, and what bounds a chunk message.
    private static string LimitOf(string host)
    {
        var size = string.Create(CultureInfo.InvariantCulture, $"chunk messages ≤ {CsvJobs.MaxChunkMessageBytes / 1024} KiB (a third of an Azure Storage queue message)");
        return host switch
        {
            CompareHosts.Local => $"the local durable SQLite queue; {size}",
            CompareHosts.Aws => $"SQS standard queue, at-least-once: a deleted message delivered again after the {AwsCsvJobHost.VisibilityTimeout.TotalSeconds:0} s visibility timeout; {size}",
            CompareHosts.Gcp => $"Pub/Sub push, at-least-once: every acked message pushed once more; {size}",
            CompareHosts.Azure => $"Storage queue trigger, at-least-once: every delete lost once; {size}",
            _ => size,
        };
    }

    // Row `line` (2 to DataRows + 1): its text, and its category and amount when it is well formed.
    private static (string Text, string? Category, decimal Amount) Row(int line)
    {
        foreach (var bad in Malformed)
        {
            if (bad.Line == line)
            {
                return (bad.Text, null, 0m);
            }
        }

        var i = line - 2;
        var category = Categories[(i * 7 + i / 13) % Categories.Length];
        var cents = (i * 7919L + 12_345) % 250_000 - 50_000; // -500.00 to 1999.99, zero and negatives among them
        var amount = new decimal((int)Math.Abs(cents), 0, 0, cents < 0, 2);
        var field = category.Contains(',', StringComparison.Ordinal) ? $"\"{category}\"" : category;
        return ($"{field},{amount.ToString(CultureInfo.InvariantCulture)}", category, amount);
    }

    private static byte[] BuildCsv()
    {
        var text = new StringBuilder("category,amount\r\n", DataRows * 20);
        for (var line = 2; line <= DataRows + 1; line++)
        {
            text.Append(Row(line).Text).Append("\r\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static Dictionary<string, (int Count, decimal Sum)> BuildTotals()
    {
        var totals = new Dictionary<string, (int Count, decimal Sum)>(StringComparer.Ordinal);
        for (var line = 2; line <= DataRows + 1; line++)
        {
            if (Row(line) is (_, { } category, var amount))
            {
                totals[category] = totals.TryGetValue(category, out var total) ? (total.Count + 1, total.Sum + amount) : (1, amount);
            }
        }

        return totals;
    }
}
