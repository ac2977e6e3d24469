using Portable.Compare.Model;

namespace Portable.Compare.Tests;

/// <summary>
/// A stopped run with the shapes the renderers must handle: four hosts with every figure, a row that broke its
/// pattern's promise, text that needs escaping in Markdown and HTML, a scenario without latency (no chart), one with
/// cold starts only, and one no host ran. <see cref="ExpectedCells"/> spells out, by hand, what each table must show.
/// </summary>
internal static class SampleReports
{
    public const string Awkward = "201 | kept <b>as-is</b> & \"stored\"";

    public static CompareReport StoppedRun() => new()
    {
        StartedAt = new DateTimeOffset(2026, 11, 1, 10, 30, 5, TimeSpan.FromHours(1)),
        Duration = TimeSpan.FromSeconds(254.4),
        Mode = "emulated",
        Complete = false,
        StoppedBecause = "stopped by Ctrl+C",
        Notes =
        [
            "Time is scaled 1:60 in the emulators, so a 29 s timeout takes about half a second.",
            "Limits as documented at https://docs.aws.amazon.com/lambda/latest/dg/gotchas.html (text, not a link).",
        ],
        Scenarios =
        [
            new ScenarioReport
            {
                Id = "crud",
                Pattern = "REST API",
                Title = "CRUD",
                Description = "Create, read, update and delete 40 items through each host's HTTP front door.",
                Rows =
                [
                    new HostResult { Host = "local", Outcome = "201 ×40", Attempts = 1, DuplicatesSuppressed = 0, Effects = "40 items", P50 = TimeSpan.FromMilliseconds(3.2), P99 = TimeSpan.FromMilliseconds(12), ColdStart = TimeSpan.FromMilliseconds(850) },
                    new HostResult { Host = "aws", Outcome = "201 ×40", Attempts = 1, DuplicatesSuppressed = 0, Effects = "40 items", P50 = TimeSpan.FromMilliseconds(18), P99 = TimeSpan.FromMilliseconds(140), ColdStart = TimeSpan.FromMilliseconds(1420) },
                    new HostResult { Host = "gcp", Outcome = "201 ×40", Attempts = 1, DuplicatesSuppressed = 0, Effects = "40 items", P50 = TimeSpan.FromMilliseconds(11), P99 = TimeSpan.FromMilliseconds(95), ColdStart = TimeSpan.FromMilliseconds(2300) },
                    new HostResult { Host = "azure", Outcome = "201 ×40", Attempts = 1, DuplicatesSuppressed = 0, Effects = "40 items", P50 = TimeSpan.FromMilliseconds(25), P99 = TimeSpan.FromMilliseconds(310), ColdStart = TimeSpan.FromSeconds(4.8), Note = "Cold start measured from the worker process's start to its first 200." },
                ],
            },
            new ScenarioReport
            {
                Id = "oversized-body",
                Pattern = "REST API",
                Title = "Oversized body",
                Description = "A 7 MB JSON body: over Lambda's 6 MB, under Cloud Run's 32 MiB and Azure's 100 MB.",
                Rows =
                [
                    new HostResult { Host = "local", Outcome = "201", Attempts = 1, P50 = TimeSpan.FromMilliseconds(41) },
                    new HostResult { Host = "aws", Outcome = "413 Request Entity Too Large", Attempts = 1, P99 = TimeSpan.FromMilliseconds(4), Limit = "Lambda 6 MB invoke payload" },
                    new HostResult { Host = "gcp", Outcome = "201", Attempts = 1, P50 = TimeSpan.FromMilliseconds(55), P99 = TimeSpan.FromMilliseconds(61), Limit = "Cloud Run 32 MiB (HTTP/1)" },
                    new HostResult { Host = "azure", Outcome = Awkward, AsExpected = false, Attempts = 1, P50 = TimeSpan.FromMilliseconds(70), P99 = TimeSpan.FromMilliseconds(88), Limit = "Azure 100 MB | host.json", Note = "Expected <413>, got 201.\nThe body limit is off in this profile." },
                ],
            },
            new ScenarioReport
            {
                Id = "poison-message",
                Pattern = "Queue processor",
                Title = "Poison message",
                Description = "A message the handler always rejects ends in the dead-letter queue.",
                Rows =
                [
                    new HostResult { Host = "local", Outcome = "dead-lettered", Attempts = 5, Effects = "1 message in <queue>-dlq" },
                    new HostResult { Host = "aws", Outcome = "dead-lettered", Attempts = 5, Effects = "1 message in <queue>-dlq", Limit = "SQS maxReceiveCount 5" },
                    new HostResult { Host = "gcp", Outcome = "dead-lettered", Attempts = 5, Effects = "1 message in <queue>-dlq", Limit = "Pub/Sub max delivery attempts 5" },
                    new HostResult { Host = "azure", Outcome = "poison queue", Attempts = 5, Effects = "1 message in <queue>-poison", Limit = "Storage queue maxDequeueCount 5" },
                ],
            },
            new ScenarioReport
            {
                Id = "cold-burst",
                Pattern = "REST API",
                Title = "A burst of cold starts",
                Description = "Ten concurrent first requests, each on a new instance.",
                Rows =
                [
                    new HostResult { Host = "aws", Outcome = "200 ×10", ColdStart = TimeSpan.FromMilliseconds(1620) },
                    new HostResult { Host = "azure", Outcome = "200 ×10", ColdStart = TimeSpan.FromSeconds(75) },
                ],
            },
            new ScenarioReport
            {
                Id = "csv-fan-out",
                Pattern = "Fan-out",
                Title = "CSV fan-out",
                Description = "Not reached: the run stopped first.",
                Rows = [],
            },
        ],
    };

    /// <summary>What every table must show, cell by cell, in column order, written out by hand.</summary>
    public static IReadOnlyDictionary<string, string[][]> ExpectedCells { get; } = new Dictionary<string, string[][]>
    {
        ["crud"] =
        [
            ["local", "201 ×40", "1", "0", "40 items", "3.2 ms", "12 ms", "850 ms", "–"],
            ["aws", "201 ×40", "1", "0", "40 items", "18 ms", "140 ms", "1.4 s", "–"],
            ["gcp", "201 ×40", "1", "0", "40 items", "11 ms", "95 ms", "2.3 s", "–"],
            ["azure", "201 ×40", "1", "0", "40 items", "25 ms", "310 ms", "4.8 s", "–"],
        ],
        ["oversized-body"] =
        [
            ["local", "201", "1", "–", "–", "41 ms", "–", "–", "–"],
            ["aws", "413 Request Entity Too Large", "1", "–", "–", "–", "4 ms", "–", "Lambda 6 MB invoke payload"],
            ["gcp", "201", "1", "–", "–", "55 ms", "61 ms", "–", "Cloud Run 32 MiB (HTTP/1)"],
            ["azure", "⚠ " + Awkward, "1", "–", "–", "70 ms", "88 ms", "–", "Azure 100 MB | host.json"],
        ],
        ["poison-message"] =
        [
            ["local", "dead-lettered", "5", "–", "1 message in <queue>-dlq", "–", "–", "–", "–"],
            ["aws", "dead-lettered", "5", "–", "1 message in <queue>-dlq", "–", "–", "–", "SQS maxReceiveCount 5"],
            ["gcp", "dead-lettered", "5", "–", "1 message in <queue>-dlq", "–", "–", "–", "Pub/Sub max delivery attempts 5"],
            ["azure", "poison queue", "5", "–", "1 message in <queue>-poison", "–", "–", "–", "Storage queue maxDequeueCount 5"],
        ],
        ["cold-burst"] =
        [
            ["aws", "200 ×10", "–", "–", "–", "–", "–", "1.6 s", "–"],
            ["azure", "200 ×10", "–", "–", "–", "–", "–", "1 min 15 s", "–"],
        ],
    };

    public static readonly string[] Columns =
        ["Host", "Outcome", "Attempts", "Duplicates suppressed", "Effects", "p50", "p99", "Cold start", "Platform limit"];
}
