using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Portable.Engines;
using Portable.Local.Emulators.Azure;

namespace Portable.Benchmarks;

/// <summary>The state stores a queue host can run on.</summary>
internal enum QueueStore
{
    InMemory,
    Sqlite,
    DynamoDb,
    TableStorage,
    Postgres,
}

/// <summary>One host on one store.</summary>
internal sealed record QueueTarget(string Key, string HostName, string Delivery, QueueStore Store, string StoreName, HostKind? Cloud);

/// <summary>One measured cell: a fresh host process on a store, with or without message idempotency.</summary>
internal sealed record QueueCell(QueueTarget Target, bool Idempotency, int Round)
{
    public QueueDrain? WarmUp { get; set; }

    public QueueDrain? Measured { get; set; }

    public int Sent { get; set; }

    /// <summary>What was checked after the drain, in words.</summary>
    public string Check { get; set; } = "not run";

    /// <summary>False when a message was lost, failed, dead-lettered, or a balance came out wrong.</summary>
    public bool Correct { get; set; }

    public string? Error { get; set; }

    public string LoadAtStart { get; set; } = "?";
}

/// <summary>
/// The queue benchmark (<c>--queues</c>): messages per second through the local host and through each cloud
/// adapter behind its platform's emulator, on each store, with and without message idempotency
/// (<c>PORTABLE_IDEMPOTENCY_DISABLED</c>), and whether every message was applied exactly once. Writes
/// tests/Benchmarks/queue-results.md.
/// </summary>
internal sealed class QueueBench(string repoRoot, BenchmarkOptions options)
{
    private const int Accounts = 10;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly QueueTarget[] Targets =
    [
        new("local", "Local host (src/Local)", "its own SQLite queue and worker, batches of 10", QueueStore.Sqlite, "SQLite (the same file)", null),
        new("aws", "Lambda bootstrap (src/Aws)", "SQS event source emulator → Runtime API emulator, batches of 10, one invocation at a time", QueueStore.InMemory, "in-memory", HostKind.Lambda),
        new("aws", "Lambda bootstrap (src/Aws)", "SQS event source emulator → Runtime API emulator, batches of 10, one invocation at a time", QueueStore.DynamoDb, "DynamoDB (dynalite)", HostKind.Lambda),
        new("azure", "Functions custom handler (src/Azure)", "Functions host emulator's Storage queue, one message per invocation, one at a time", QueueStore.InMemory, "in-memory", null),
        new("azure", "Functions custom handler (src/Azure)", "Functions host emulator's Storage queue, one message per invocation, one at a time", QueueStore.TableStorage, "Table Storage (Azurite)", null),
        new("gcp", "Cloud Run host (src/Gcp)", "Pub/Sub push emulator, one POST per message, one at a time", QueueStore.InMemory, "in-memory", HostKind.CloudRun),
        new("gcp", "Cloud Run host (src/Gcp)", "Pub/Sub push emulator, one POST per message, one at a time", QueueStore.Postgres, "PostgreSQL 15", HostKind.CloudRun),
    ];

    private int _tables;

    public List<QueueCell> Cells { get; } = [];

    public int Messages => options.QueueMessages ?? (options.Quick ? 300 : 2000);

    public int WarmUpMessages => options.Quick ? 50 : 200;

    public int Rounds => options.QueueRounds ?? (options.Quick ? 1 : 2);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var wallClock = Stopwatch.StartNew();
        var loadAtStart = Report.ReadLoadAverage();
        Console.WriteLine($"Queue benchmark: {Messages} messages per cell after {WarmUpMessages} of warm-up, {Rounds} round(s). Load average: {loadAtStart}");
        foreach (var group in Targets.Where(t => options.Only is null || t.Cloud == options.Only).GroupBy(t => (t.Key, t.Store)))
        {
            var target = group.Single();
            Console.WriteLine($"== {target.HostName} on {target.StoreName}");
            await using var engine = await StartEngineAsync(target.Store);
            for (var round = 1; round <= Rounds; round++)
            {
                // Alternate which goes first, so a drift in machine load does not always favour the same setting.
                foreach (var idempotency in round % 2 == 1 ? new[] { false, true } : [true, false])
                {
                    var cell = new QueueCell(target, idempotency, round);
                    Cells.Add(cell);
                    await RunCellAsync(cell, engine, cancellationToken);
                    var m = cell.Measured;
                    Console.WriteLine(m is null
                        ? $"   idempotency {(idempotency ? "on " : "off")}: FAILED: {cell.Error}"
                        : string.Create(Invariant, $"   idempotency {(idempotency ? "on " : "off")}: {m.MessagesPerSecond:0} msg/s ({m.Settled}/{Messages} settled in {m.Elapsed.TotalSeconds:0.00} s), {m.CpuPerMessageUs:0} µs host CPU/msg; {(cell.Correct ? "checked" : "**WRONG**")}: {cell.Check}"));
                }
            }
        }

        var markdown = ToMarkdown(wallClock.Elapsed, loadAtStart, Report.ReadLoadAverage());
        var path = options.OutputGiven ? options.OutputPath : Path.Combine(repoRoot, "tests", "Benchmarks", "queue-results.md");
        await File.WriteAllTextAsync(path, markdown, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Wrote {path}. Total wall time: {wallClock.Elapsed:mm\\:ss}.");
        return Cells.All(c => c.Correct) ? 0 : 1;
    }

    private async Task RunCellAsync(QueueCell cell, Engine engine, CancellationToken cancellationToken)
    {
        cell.LoadAtStart = Report.ReadLoadAverage().Split(' ')[0];
        var prefix = $"{cell.Target.Key}-{cell.Target.Store}-{(cell.Idempotency ? "on" : "off")}-{cell.Round}".ToLowerInvariant();
        var expected = new Dictionary<string, (decimal Balance, int Entries)>(StringComparer.Ordinal);
        var sequence = 0;
        List<string> Batch(int count)
        {
            var bodies = new List<string>(count);
            for (var i = 0; i < count; i++, sequence++)
            {
                var account = $"{prefix}-a{sequence % Accounts}";
                var amount = (sequence % 50) + 1.25m;
                bodies.Add(string.Create(Invariant, $$"""{"paymentId":"{{prefix}}-p{{sequence}}","account":"{{account}}","amount":{{amount:0.00}},"currency":"EUR"}"""));
                var (balance, entries) = expected.GetValueOrDefault(account);
                expected[account] = (balance + amount, entries + 1);
            }

            return bodies;
        }

        try
        {
            await using var run = await StartAsync(cell, engine, cancellationToken);
            try
            {
                await run.EnqueueAsync(Batch(WarmUpMessages), cancellationToken);
                cell.WarmUp = await run.DrainAsync(WarmUpMessages, cancellationToken);
                await run.EnqueueAsync(Batch(Messages), cancellationToken);
                cell.Measured = await run.DrainAsync(Messages, cancellationToken);
                cell.Sent = WarmUpMessages + Messages;
                await CheckAsync(cell, run, expected, cancellationToken);
            }
            catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException or FormatException or KeyNotFoundException)
            {
                cell.Error = $"{ex.GetType().Name}: {ex.Message}\nHost output:\n{run.Tail}";
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException or FunctionsHostStartException)
        {
            cell.Error ??= $"{ex.GetType().Name}: {ex.Message}";
        }

        if (cell.Error is not null)
        {
            cell.Correct = false;
            cell.Check = "did not complete";
            await Console.Error.WriteLineAsync($"   {cell.Target.HostName} on {cell.Target.StoreName}, idempotency {(cell.Idempotency ? "on" : "off")}: {cell.Error}");
        }
    }

    private static async Task CheckAsync(QueueCell cell, IQueueHostRun run, Dictionary<string, (decimal Balance, int Entries)> expected, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (name, drain) in new[] { ("warm-up", cell.WarmUp!), ("measured", cell.Measured!) })
        {
            if (drain.DeadLettered > 0 || drain.Unsettled > 0 || drain.FailedDeliveries is > 0)
            {
                problems.Add(string.Create(Invariant, $"{name}: {drain.DeadLettered} dead-lettered, {drain.Unsettled} left unsettled, {drain.FailedDeliveries?.ToString(Invariant) ?? "?"} failed deliveries"));
            }
        }

        var settled = cell.WarmUp!.Settled + cell.Measured!.Settled;
        if (settled != cell.Sent)
        {
            problems.Add($"{settled} of {cell.Sent} messages settled as done");
        }

        string balances;
        if (run.UnreadableBecause is { } why)
        {
            balances = $"balances not readable ({why})";
        }
        else
        {
            var wrong = 0;
            foreach (var (account, (balance, entries)) in expected)
            {
                var observed = await run.AccountAsync(account, cancellationToken);
                if (observed is null || observed.Balance != balance || observed.Entries != entries)
                {
                    wrong++;
                    if (wrong <= 3)
                    {
                        problems.Add(string.Create(Invariant, $"{account}: {(observed is null ? "no entries" : $"{observed.Balance} with {observed.Entries} entries")}, expected {balance} with {entries}"));
                    }
                }
            }

            balances = wrong == 0
                ? string.Create(Invariant, $"{expected.Count} balances and entry counts right")
                : string.Create(Invariant, $"{wrong} of {expected.Count} balances WRONG");
        }

        cell.Correct = problems.Count == 0;
        cell.Check = cell.Correct
            ? string.Create(Invariant, $"{settled}/{cell.Sent} settled, none failed or dead-lettered; {balances}")
            : $"**{string.Join("; ", problems)}**; {balances}";
    }

    private Task<IQueueHostRun> StartAsync(QueueCell cell, Engine engine, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _tables);
        var idempotency = cell.Idempotency;
        return (cell.Target.Key, cell.Target.Store) switch
        {
            ("local", _) => LocalQueueRun.StartAsync(repoRoot, idempotency, options, cancellationToken),
            ("aws", QueueStore.InMemory) => AwsQueueRun.StartAsync(repoRoot, idempotency, null, options, cancellationToken),
            ("aws", _) => AwsQueueRun.StartAsync(repoRoot, idempotency, (engine.Dynalite!.ServiceUrl, $"QueueBench{n}"), options, cancellationToken),
            ("azure", QueueStore.InMemory) => AzureQueueRun.StartAsync(repoRoot, idempotency, null, options, cancellationToken),
            ("azure", _) => AzureQueueRun.StartAsync(repoRoot, idempotency, (engine.Azurite!.ConnectionString, $"queuebench{n}"), options, cancellationToken),
            ("gcp", QueueStore.InMemory) => GcpQueueRun.StartAsync(repoRoot, idempotency, null, options, cancellationToken),
            ("gcp", _) => GcpQueueRun.StartAsync(repoRoot, idempotency, (engine.Postgres!.ConnectionString, $"queue_bench_{n}"), options, cancellationToken),
            _ => throw new InvalidOperationException($"No queue host {cell.Target.Key}."),
        };
    }

    private static async Task<Engine> StartEngineAsync(QueueStore store)
    {
        var engine = new Engine();
        switch (store)
        {
            case QueueStore.DynamoDb:
                engine.Dynalite = new DynaliteFixture();
                await engine.Dynalite.InitializeAsync();
                break;
            case QueueStore.TableStorage:
                engine.Azurite = new AzuriteFixture();
                await engine.Azurite.InitializeAsync();
                break;
            case QueueStore.Postgres:
                engine.Postgres = new PostgresFixture();
                await engine.Postgres.InitializeAsync();
                break;
            default:
                break;
        }

        return engine;
    }

    private string ToMarkdown(TimeSpan wallTime, string loadAtStart, string loadAtEnd)
    {
        var md = new StringBuilder();
        var args = options.Arguments.Count == 0 ? string.Empty : " -- " + string.Join(' ', options.Arguments);
        var command = $"dotnet run -c Release --project tests/Benchmarks{args}";
        md.AppendLine("# Queue throughput: messages per second through each host, with and without idempotency");
        md.AppendLine();
        md.AppendLine(Invariant, $"Generated by `{command}` on {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC; the whole run took {wallTime.TotalMinutes:0.0} min.");
        md.AppendLine();
        var wrong = Cells.Where(c => !c.Correct).ToList();
        if (wrong.Count > 0)
        {
            md.AppendLine(Invariant, $"> **WARNING: {wrong.Count} of {Cells.Count} runs lost, failed or misapplied messages, or did not complete** — their figures are not comparable:");
            foreach (var cell in wrong)
            {
                md.AppendLine(Invariant, $"> - {cell.Target.HostName} on {cell.Target.StoreName}, idempotency {(cell.Idempotency ? "on" : "off")}, round {cell.Round}: {(cell.Error is null ? cell.Check : cell.Error.Split('\n')[0])}");
            }

            md.AppendLine();
        }
        else
        {
            md.AppendLine(Invariant, $"Every run settled all its messages exactly once: none failed, none dead-lettered, and every balance read back from the host matched the payments sent (where the host can read them back; see the last column).");
            md.AppendLine();
        }

        md.AppendLine(Invariant, $"The function is `ledger-writer` on `payments` (src/Core/Patterns/Ledger): each message is a valid payment with its own `paymentId` over {Accounts} accounts, so every message writes (payment claim, account, ledger entry). ");
        md.AppendLine("With idempotency the message idempotency middleware adds its claim and completion records in the same store; without it (`PORTABLE_IDEMPOTENCY_DISABLED=true`, the same build and deployment) the ledger's own insert-if-absent still keeps payments exactly-once.");
        md.AppendLine();
        md.AppendLine(Invariant, $"Each cell is a fresh host process: {WarmUpMessages} messages delivered as warm-up, then {Messages} messages put in the queue (not timed) and delivered until the queue is empty (timed). msg/s counts only messages the platform settled as done (acked or deleted after success); ");
        md.AppendLine(Invariant, $"with {Rounds} round(s) the figure is the median of the rounds, and in every other round the setting measured first alternates.");
        md.AppendLine("**Baseline**: the same host with the in-memory store and no idempotency, measured in the same run; the local host has no in-memory option (`LocalHost.Build` registers its SQLite store unconditionally), so its baseline is SQLite without idempotency.");
        md.AppendLine("Host CPU is the host process's user + system time over the timed drain divided by the messages settled (10 ms ticks): for the local host it includes its queue; for the adapters the emulator runs in the benchmark process and the engines (dynalite, Azurite, PostgreSQL) in their own, so neither is counted.");
        md.AppendLine();
        md.AppendLine("| Host | Delivery | Store | msg/s without idempotency | msg/s with | with ÷ without | without ÷ baseline | with ÷ baseline | host CPU/msg without | with | Checked |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var target in Targets)
        {
            var off = Cells.Where(c => c.Target == target && !c.Idempotency).ToList();
            var on = Cells.Where(c => c.Target == target && c.Idempotency).ToList();
            if (off.Count == 0 && on.Count == 0)
            {
                continue;
            }

            var baselineTarget = Targets.FirstOrDefault(t => t.Key == target.Key && t.Store == QueueStore.InMemory) ?? target;
            var baseline = Rate(Cells.Where(c => c.Target == baselineTarget && !c.Idempotency));
            var (offRate, onRate) = (Rate(off), Rate(on));
            var check = off.Concat(on).All(c => c.Correct)
                ? (off.Concat(on).Any(c => c.Check.Contains("not readable", StringComparison.Ordinal)) ? "all settled once; balances not readable (see below)" : "all settled once; balances right")
                : "**NO — see the warning above**";
            md.AppendLine(Invariant, $"| {target.HostName} | {target.Delivery} | {target.StoreName} | {offRate:0} | {onRate:0} | {Ratio(onRate, offRate)} | {Ratio(offRate, baseline)} | {Ratio(onRate, baseline)} | {Cpu(off)} | {Cpu(on)} | {check} |");
        }

        md.AppendLine();
        md.AppendLine("## How it was run");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("`--queues --quick` delivers 300 messages per cell after 50 of warm-up, one round; `--messages N` and `--rounds N` change the full run's 2,000 and 2; `--only aws|gcp` keeps one cloud.");
        md.AppendLine();
        md.AppendLine(Invariant, $"- Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores; runner on {RuntimeInformation.FrameworkDescription}. Load average (1, 5, 15 min) when the run began: {loadAtStart}; when it ended: {loadAtEnd}. Other work shared the machine: absolute figures move with it, ratios within a host (measured back to back) less so.");
        md.AppendLine("- Hosts are the Release build outputs (framework-dependent, JIT) of src/Local, src/Aws, src/Azure and src/Gcp, built by `dotnet run -c Release`; each is started as its platform would start it (see tests/Conformance/Queues), the emulators run in the benchmark's process, the engines come from tests/Engines.");
        md.AppendLine("- Every emulator delivers serially, as one instance of each platform would with its defaults here: SQS batches of 10 to one Lambda instance, one Storage-queue message per invocation, one push at a time; the local worker leases 10 at a time and runs them in order. So msg/s is per instance; real platforms scale out across instances.");
        md.AppendLine("- Local host: messages are staged as dead letters in its SQLite file from the benchmark process, and the timed drain begins with `POST /_local/queues/payments/dead-letters/redrive` (one transaction moves them all into the queue) and ends when a poll (every 2 ms) finds the queue empty.");
        md.AppendLine("- AWS with the in-memory store: the state lives in the ledger-writer process and accounts-api is another Lambda function, so balances cannot be read back; the check there is that SQS deleted every message after a successful batch with no `batchItemFailures` and nothing reached `payments-dlq`.");
        md.AppendLine();
        md.AppendLine("Every run, in order (1-minute load average when it began; warm-up then measured drain: settled / failed deliveries / dead-lettered / left, seconds, msg/s, host CPU per message):");
        md.AppendLine();
        foreach (var cell in Cells)
        {
            md.AppendLine(Invariant, $"- {cell.Target.HostName}, {cell.Target.StoreName}, idempotency {(cell.Idempotency ? "on" : "off")}, round {cell.Round} (load {cell.LoadAtStart}): warm-up {Raw(cell.WarmUp)}; measured {Raw(cell.Measured)}; {(cell.Error is null ? cell.Check : "error: " + cell.Error.Split('\n')[0])}");
        }

        return md.ToString();
    }

    private static double Rate(IEnumerable<QueueCell> cells) =>
        VariantResult.Median(cells.Where(c => c.Measured is not null).Select(c => c.Measured!.MessagesPerSecond));

    private static string Cpu(IEnumerable<QueueCell> cells)
    {
        var value = VariantResult.Median(cells.Where(c => c.Measured is not null).Select(c => c.Measured!.CpuPerMessageUs));
        return double.IsNaN(value) ? "–" : string.Create(Invariant, $"{value:0} µs");
    }

    private static string Ratio(double value, double baseline) =>
        double.IsNaN(value) || double.IsNaN(baseline) || baseline == 0 ? "–" : string.Create(Invariant, $"{value / baseline:0.00}×");

    private static string Raw(QueueDrain? d) => d is null
        ? "–"
        : string.Create(Invariant, $"{d.Settled}/{d.FailedDeliveries?.ToString(Invariant) ?? "?"}/{d.DeadLettered}/{d.Unsettled}, {d.Elapsed.TotalSeconds:0.00} s, {d.MessagesPerSecond:0} msg/s, {d.CpuPerMessageUs:0} µs");

    /// <summary>The engine a store needs, if any, for the cells of one host on that store.</summary>
    private sealed class Engine : IAsyncDisposable
    {
        public DynaliteFixture? Dynalite { get; set; }

        public AzuriteFixture? Azurite { get; set; }

        public PostgresFixture? Postgres { get; set; }

        public async ValueTask DisposeAsync()
        {
            if (Dynalite is not null)
            {
                await Dynalite.DisposeAsync();
            }

            if (Azurite is not null)
            {
                await Azurite.DisposeAsync();
            }

            if (Postgres is not null)
            {
                await Postgres.DisposeAsync();
            }
        }
    }
}
