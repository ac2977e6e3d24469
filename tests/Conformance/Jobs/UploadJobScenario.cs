using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Portable.Core.Patterns.Jobs;

namespace Portable.Conformance.Jobs;

/// <summary>
/// Issue 11's "an upload event delivered three times starts one job", on one host: the 10,000-row CSV of
/// <see cref="CsvJobScenario"/> uploaded to <c>uploads</c> under a key with a space and a plus (S3 notifications carry
/// it URL-encoded), its object-created event delivered once by the upload and twice more. Exactly one job record must
/// be written, the storage function's log must say it started a job once, and that job must complete with the exact
/// totals of the POSTed job: the same transcript, <see cref="ExpectedTranscript"/>, on every host.
/// </summary>
public static class UploadJobScenario
{
    /// <summary>The key uploaded: a folder, a space and a plus.</summary>
    public const string Key = "incoming/2026-03 sales+returns.csv";

    /// <summary>How often the upload's event is delivered, the upload's own delivery included.</summary>
    public const int Deliveries = 3;

    /// <summary>From the upload until the job is completed and every delivery settled.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>What every host must end with.</summary>
    public static IReadOnlyList<string> ExpectedTranscript { get; } =
    [
        $"deliveries of the upload's event: {Deliveries}",
        "job records: 1",
        "jobs the storage function started: 1",
        .. CsvJobScenario.ExpectedJob,
        "dead letters: 0",
    ];

    /// <summary>What one run saw: the transcript, the job, and what the platform answered each delivery.</summary>
    public sealed record Run(IReadOnlyList<string> Transcript, string JobId, IReadOnlyList<string> Answers, TimeSpan Completed);

    /// <summary>Uploads, delivers twice more, waits for the job and the queues, and returns the transcript. Throws on a host fault or <see cref="Deadline"/>.</summary>
    public static async Task<Run> RunAsync(IUploadJobHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var clock = Stopwatch.StartNew();
        var answers = new List<string> { await host.UploadAsync(Key, CsvJobScenario.Csv) };
        for (var i = 1; i < Deliveries; i++)
        {
            answers.Add(await host.DeliverAgainAsync());
        }

        var records = (await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries;
        if (records.Count == 0)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] no job was recorded after {Deliveries} deliveries: {string.Join(" | ", answers)}\n{CsvJobScenario.Tail(host.Output)}");
        }

        var id = records[0].Key;
        var (job, completedText) = await CompletedAsync(host, id, clock);
        var completed = clock.Elapsed;
        while (!await host.IsIdleAsync())
        {
            host.ThrowIfBroken();
            if (clock.Elapsed > Deadline)
            {
                throw new Xunit.Sdk.XunitException($"[{host.Name}] deliveries still waiting {Deadline.TotalSeconds:0} s after the upload.\n{CsvJobScenario.Tail(host.Output)}");
            }

            await Task.Delay(PollInterval);
        }

        var (_, settledText) = await JobAsync(host, id);
        if (settledText != completedText)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] the job changed after it completed:\nat completion {completedText}\nnow           {settledText}");
        }

        var lines = new List<string>
        {
            $"deliveries of the upload's event: {answers.Count}",
            $"job records: {(await host.Store.ListAsync(CsvJobs.JobsCollection, 10)).Entries.Count}",
            // event 6111, "Upload {bucket}/{key} started job {id}: GET /jobs/{id}", however each host writes its log lines
            $"jobs the storage function started: {Occurrences(host.Output, $"started job {id}")}",
        };
        lines.AddRange(CsvJobScenario.Transcript(job));
        lines.Add($"dead letters: {await host.DeadLetterCountAsync()}");
        return new Run(lines, id, answers, completed);
    }

    private static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static async Task<(JsonElement Job, string Text)> CompletedAsync(IUploadJobHost host, string id, Stopwatch clock)
    {
        while (true)
        {
            host.ThrowIfBroken();
            var (job, text) = await JobAsync(host, id);
            if (job.GetProperty("status").GetString() == "completed")
            {
                return (job, text);
            }

            if (clock.Elapsed > Deadline)
            {
                throw new Xunit.Sdk.XunitException($"[{host.Name}] job {id} was not completed {Deadline.TotalSeconds:0} s after the upload: {text}\n{CsvJobScenario.Tail(host.Output)}");
            }

            await Task.Delay(PollInterval);
        }
    }

    private static async Task<(JsonElement Job, string Text)> JobAsync(IUploadJobHost host, string id)
    {
        using var response = await host.Jobs.GetAsync(new Uri($"/jobs/{id}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] GET /jobs/{id} answered {(int)response.StatusCode}: {text}\n{CsvJobScenario.Tail(host.Output)}");
        }

        return (JsonDocument.Parse(text).RootElement.Clone(), text);
    }
}
