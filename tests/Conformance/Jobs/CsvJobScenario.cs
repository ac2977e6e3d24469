using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net;
using System.Text.Json;
using System.Text;
using Portable.Compare.Jobs;
using Portable.Core.Patterns.Jobs;

namespace Portable.Conformance.Jobs;

/// <summary>
/// Issue 11's fan-out / fan-in proof on one host: a deterministic CSV of 10,000 data rows (five categories, one of
/// them quoted for its comma and another sometimes quoted for no reason, amounts with two decimals (one category's
/// all in whole tens of cents), negative ones and zero among them, eight malformed rows at known lines, the last an unclosed quote) is posted to <c>POST /jobs</c>
/// while the host delivers every chunk message twice. The job must complete with exactly the totals this class
/// computes with <see cref="decimal"/> from the same rows, every malformed row reported with its line and reason, and
/// the second deliveries must change nothing: one transcript, <see cref="ExpectedTranscript"/>, for every host.
/// </summary>
public static class CsvJobScenario
{
    /// <summary>Data rows, header not counted.</summary>
    public const int DataRows = 10_000;

    /// <summary>Rows per chunk: the hosts run with the default.</summary>
    public const int ChunkRows = JobOptions.DefaultChunkRows;

    /// <summary>The chunks the job is split into (malformed rows take their place in a chunk like any other).</summary>
    public const int Chunks = (DataRows + ChunkRows - 1) / ChunkRows;

    /// <summary>From the POST until the job is completed and every second delivery is settled.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The categories, in ordinal order; <c>food, drink</c> must be quoted, <c>books</c> sometimes is.</summary>
    public static IReadOnlyList<string> Categories { get; } = ["books", "food, drink", "garden", "music", "toys"];

    /// <summary>
    /// The malformed rows by line (the header is line 1): the first data row, the last row of the first chunk and the
    /// first of the second, rows in the middle, and the very last row, an unclosed quote that runs to the end of the
    /// input. Each with the reason the job gives.
    /// </summary>
    public static IReadOnlyList<(int Line, string Text, string Reason)> Malformed { get; } =
    [
        (2, "books,12.3.4", "amount is not a decimal number"),
        (101, ",5.00", "category is empty"),
        (102, "toys,1.00,extra", "expected 2 fields, found 3"),
        (4321, "music,\"12.00\"x", "text after a closing quote"),
        (5000, "books,1234567890123456.00", "amount has more than 15 digits before the point"),
        (7777, "gar\"den,3.00", "quote inside an unquoted field"),
        (9000, "garden,1.123456789", "amount has more than 8 decimal places"),
        (DataRows + 1, "\"toys,5.00", "quoted field is not closed"),
    ];

    /// <summary>The CSV: header, then <see cref="DataRows"/> rows, CRLF after every line (RFC 4180).</summary>
    public static byte[] Csv { get; } = BuildCsv();

    /// <summary>What every host must end with, computed here from the rows with <see cref="decimal"/>.</summary>
    public static IReadOnlyList<string> ExpectedTranscript { get; } = BuildExpected();

    /// <summary>The job's own lines of <see cref="ExpectedTranscript"/> (status, chunks, rows, rejected rows, totals), without what its deliveries did.</summary>
    public static IReadOnlyList<string> ExpectedJob => [.. ExpectedTranscript.Take(ExpectedTranscript.Count - 2)];

    /// <summary>What one run saw and how long its parts took, from the POST.</summary>
    /// <param name="Transcript">The job as it ended, and what its deliveries did.</param>
    /// <param name="JobId">The job.</param>
    /// <param name="Accepted">When <c>POST /jobs</c> answered 202 (the chunks are published by then).</param>
    /// <param name="Completed">When <c>GET /jobs/{id}</c> first showed it completed.</param>
    /// <param name="Settled">When the queue was idle: every second delivery made and settled.</param>
    public sealed record Run(IReadOnlyList<string> Transcript, string JobId, TimeSpan Accepted, TimeSpan Completed, TimeSpan Settled);

    /// <summary>
    /// Posts the CSV, lets the host duplicate the chunks (<see cref="ICsvJobHost.JobStartedAsync"/>), reads
    /// <c>GET /jobs/{id}</c> until the job is completed, waits until <c>job-chunks</c> is idle (the second deliveries
    /// settled), reads the job again and checks it did not change, and returns the transcript. Throws on a host
    /// fault, an unexpected answer, or <see cref="Deadline"/>.
    /// </summary>
    public static async Task<Run> RunAsync(ICsvJobHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var clock = Stopwatch.StartNew();
        var id = await PostAsync(host);
        var accepted = clock.Elapsed;
        await host.JobStartedAsync(id, Chunks);

        var (completed, completedText) = await CompletedAsync(host, id, clock);
        var completedAt = clock.Elapsed;
        while (!await host.IsQueueIdleAsync())
        {
            host.ThrowIfBroken();
            if (clock.Elapsed > Deadline)
            {
                throw new Xunit.Sdk.XunitException($"[{host.Name}] job-chunks still held messages {Deadline.TotalSeconds:0} s after the POST.\n{Tail(host.Output)}");
            }

            await Task.Delay(PollInterval);
        }

        var settledAt = clock.Elapsed;
        var (settled, settledText) = await JobAsync(host, id);
        Check(host, settledText == completedText, $"the second deliveries changed the job after it completed:\nat completion {completedText}\nnow           {settledText}");
        Check(host, settled.GetProperty("id").GetString() == id, $"GET /jobs/{id} answered another id: {settledText}");

        var lines = new List<string>(Transcript(settled))
        {
            $"chunk messages delivered twice: {await host.DeliveredTwiceAsync()} of {Chunks}",
            $"dead letters: {await host.DeadLetterCountAsync()}",
        };
        return new Run(lines, id, accepted, completedAt, settledAt);
    }

    /// <summary>The transcript lines of a job's <c>GET /jobs/{id}</c> body: status, chunks, rows, each rejected row, each category's count and exact sum as written.</summary>
    public static IReadOnlyList<string> Transcript(JsonElement job)
    {
        var chunks = job.GetProperty("chunks");
        var lines = new List<string>
        {
            $"status: {job.GetProperty("status").GetString()}",
            $"chunks: {chunks.GetProperty("done").GetInt32()} of {chunks.GetProperty("total").GetInt32()} done",
            $"rows: {job.GetProperty("rows").GetInt32()}",
        };
        lines.AddRange(job.GetProperty("rejected").EnumerateArray().Select(r => Rejected(r.GetProperty("line").GetInt32(), r.GetProperty("reason").GetString()!)));
        lines.AddRange(job.GetProperty("result").EnumerateObject().Select(c => Total(c.Name, c.Value.GetProperty("count").GetInt32(), c.Value.GetProperty("sum").GetRawText())));
        return lines;
    }

    /// <summary>The last lines of a host's output, enough to see why it stopped.</summary>
    public static string Tail(string output, int lines = 150)
    {
        ArgumentNullException.ThrowIfNull(output);
        var all = output.Split('\n');
        return all.Length <= lines ? output : $"(last {lines} of {all.Length} lines)\n" + string.Join('\n', all[^lines..]);
    }

    private static string Rejected(int line, string reason) => $"rejected: line {line}: {reason}";

    // The sum as the JSON writes it: an exact decimal keeps its two places ("12.50", not "12.5").
    private static string Total(string category, int count, string sum) => $"result: {category}: count {count}, sum {sum}";

    private static async Task<string> PostAsync(ICsvJobHost host)
    {
        using var content = new ByteArrayContent(Csv);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv") { CharSet = "utf-8" };
        using var response = await SendAsync(host, "POST /jobs", () => host.Jobs.PostAsync(new Uri("/jobs", UriKind.Relative), content));
        var text = await response.Content.ReadAsStringAsync();
        CheckAnswer(host, response.StatusCode == HttpStatusCode.Accepted, $"POST /jobs answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        var id = json.RootElement.GetProperty("id").GetString()!;
        Check(host, json.RootElement.GetProperty("status").GetString() == "running", $"POST /jobs answered {text}");
        Check(host, response.Headers.Location?.OriginalString == $"/jobs/{id}", $"POST /jobs gave Location '{response.Headers.Location}'");
        return id;
    }

    private static async Task<(JsonElement Job, string Text)> JobAsync(ICsvJobHost host, string id)
    {
        using var response = await SendAsync(host, $"GET /jobs/{id}", () => host.Jobs.GetAsync(new Uri($"/jobs/{id}", UriKind.Relative)));
        var text = await response.Content.ReadAsStringAsync();
        CheckAnswer(host, response.StatusCode == HttpStatusCode.OK, $"GET /jobs/{id} answered {(int)response.StatusCode}: {text}");
        return (JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static async Task<(JsonElement Job, string Text)> CompletedAsync(ICsvJobHost host, string id, Stopwatch clock)
    {
        while (true)
        {
            host.ThrowIfBroken();
            var (job, text) = await JobAsync(host, id);
            var status = job.GetProperty("status").GetString();
            if (status == "completed")
            {
                return (job, text);
            }

            Check(host, status == "running", $"job {id} is {status}: {text}");
            if (clock.Elapsed > Deadline)
            {
                var chunks = job.GetProperty("chunks");
                throw new Xunit.Sdk.XunitException(
                    $"[{host.Name}] job {id} had {chunks.GetProperty("done").GetInt32()} of {chunks.GetProperty("total").GetInt32()} chunks done {Deadline.TotalSeconds:0} s after the POST.\n{Tail(host.Output)}");
            }

            await Task.Delay(PollInterval);
        }
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
        var category = Categories[(i * 7 + i / 13) % Categories.Count];
        var cents = (i * 7919L + 12_345) % 250_000 - 50_000; // -500.00 to 1999.99, zero and negatives among them
        if (category == "garden")
        {
            cents -= cents % 10; // whole tens of cents: the sum ends in 0, which the JSON must still write ("….50", not "….5")
        }

        var amount = new decimal((int)Math.Abs(cents), 0, 0, cents < 0, 2);
        var field = category.Contains(',', StringComparison.Ordinal) || (category == "books" && i % 11 == 0) ? $"\"{category}\"" : category;
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

    private static List<string> BuildExpected()
    {
        var totals = new SortedDictionary<string, (int Count, decimal Sum)>(StringComparer.Ordinal);
        var rows = 0;
        for (var line = 2; line <= DataRows + 1; line++)
        {
            if (Row(line) is (_, { } category, var amount))
            {
                rows++;
                totals[category] = totals.TryGetValue(category, out var total) ? (total.Count + 1, total.Sum + amount) : (1, amount);
            }
        }

        var lines = new List<string> { "status: completed", $"chunks: {Chunks} of {Chunks} done", $"rows: {rows}" };
        lines.AddRange(Malformed.OrderBy(m => m.Line).Select(m => Rejected(m.Line, m.Reason)));
        lines.AddRange(totals.Select(t => Total(t.Key, t.Value.Count, t.Value.Sum.ToString(CultureInfo.InvariantCulture))));
        lines.Add($"chunk messages delivered twice: {Chunks} of {Chunks}");
        lines.Add("dead letters: 0");
        return lines;
    }

    // A request that got no answer (a timeout, a dropped connection): the host's output says why.
    private static async Task<HttpResponseMessage> SendAsync(ICsvJobHost host, string request, Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            return await send();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] {request} got no answer: {ex.Message}\n{Tail(host.Output)}");
        }
    }

    private static void Check(ICsvJobHost host, bool condition, string detail)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] {detail}");
        }
    }

    // An HTTP answer other than the one expected: the host's output says why.
    private static void CheckAnswer(ICsvJobHost host, bool condition, string detail)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] {detail}\n{Tail(host.Output)}");
        }
    }
}
