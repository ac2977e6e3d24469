using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Portable.Engines;
using Portable.Emulators.Azure;

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

/// <summary>One host process on a store, and what it did.</summary>
internal sealed record QueueCell(QueueTarget Target)
{
    private readonly Dictionary<string, (decimal Balance, int Entries)> _expected = new(StringComparer.Ordinal);
    private int _sequence;

    public QueueDrain? WarmUp { get; set; }

    /// <summary>The timed drains, in order.</summary>
    public List<QueueDrain> Segments { get; } = [];

    /// <summary>Every message sent, warm-up included.</summary>
    public int Sent => _sequence;

    /// <summary>Per account: the balance and entry count the payments sent add up to.</summary>
    public IReadOnlyDictionary<string, (decimal Balance, int Entries)> Expected => _expected;

    /// <summary>What was checked after the drains, in words.</summary>
    public string Check { get; set; } = "not run";

    /// <summary>False when a message was lost, failed, dead-lettered, or a balance came out wrong.</summary>
    public bool Correct { get; set; }

    public string? Error { get; set; }

    public string LoadAtStart { get; set; } = "?";

    /// <summary>The median of the segments' msg/s.</summary>
    public double Rate => VariantResult.Median(Segments.Select(d => d.MessagesPerSecond));

    public int Settled => Segments.Sum(d => d.Settled);

    public double HostCpuPerMessageUs => Settled == 0 ? double.NaN : Segments.Sum(d => d.HostCpu.TotalMicroseconds) / Settled;

    public double AllCpuPerMessageUs => Settled == 0 ? double.NaN : Segments.Sum(d => d.AllCpu.TotalMicroseconds) / Settled;

    public string Label => $"{Target.HostName} on {Target.StoreName}";

    /// <summary>The next <paramref name="count"/> payments: unique ids, over <paramref name="accounts"/> accounts of this cell.</summary>
    public List<string> Batch(int count, int accounts)
    {
        var prefix = $"{Target.Key}-{Target.Store}".ToLowerInvariant();
        var bodies = new List<string>(count);
        for (var i = 0; i < count; i++, _sequence++)
        {
            var account = $"{prefix}-a{_sequence % accounts}";
            var amount = (_sequence % 50) + 1.25m;
            bodies.Add(string.Create(CultureInfo.InvariantCulture, $$"""{"paymentId":"{{prefix}}-p{{_sequence}}","account":"{{account}}","amount":{{amount:0.00}},"currency":"EUR"}"""));
            var (balance, entries) = _expected.GetValueOrDefault(account);
            _expected[account] = (balance + amount, entries + 1);
        }

        return bodies;
    }
}

/// <summary>
/// The queue benchmark (<c>--queues</c>): messages per second through the local host and through each cloud
/// adapter behind its platform's emulator, on each store, and whether every message was applied exactly once.
/// The ledger keeps its effect exactly once with its own markers (the generic message-idempotency layer is off for
/// it), so there is one setting to measure. Writes tests/Benchmarks/queue-results.md.
/// </summary>
internal sealed class QueueBench(string repoRoot, BenchmarkOptions options)
{
    private const int Accounts = 10;
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly QueueTarget[] Targets =
    [
        new("local", "Local host (src/Local)", "its SQLite queue and worker, leases of 10", QueueStore.Sqlite, "SQLite (the same file)", null),
        new("aws", "Lambda bootstrap (src/Aws)", "SQS event source → Runtime API, batches of 10", QueueStore.InMemory, "in-memory", HostKind.Lambda),
        new("aws", "Lambda bootstrap (src/Aws)", "SQS event source → Runtime API, batches of 10", QueueStore.DynamoDb, "DynamoDB (dynalite)", HostKind.Lambda),
        new("azure", "Functions isolated worker (src/Azure)", "Storage queue → Functions host, 1 per invocation", QueueStore.InMemory, "in-memory", HostKind.AzureIsolated),
        new("azure", "Functions isolated worker (src/Azure)", "Storage queue → Functions host, 1 per invocation", QueueStore.TableStorage, "Table Storage (Azurite)", HostKind.AzureIsolated),
        new("gcp", "Cloud Run host (src/Gcp)", "Pub/Sub push, 1 POST per message", QueueStore.InMemory, "in-memory", HostKind.CloudRun),
        new("gcp", "Cloud Run host (src/Gcp)", "Pub/Sub push, 1 POST per message", QueueStore.Postgres, "PostgreSQL 15", HostKind.CloudRun),
    ];

    private int _tables;

    public List<QueueCell> Cells { get; } = [];

    public int Messages => options.QueueMessages ?? (options.Quick ? 400 : 5000);

    public int WarmUpMessages => options.Quick ? 100 : 500;

    public int SegmentCount => Math.Min(Messages, options.QueueSegments ?? (options.Quick ? 4 : 10));

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var wallClock = Stopwatch.StartNew();
        var loadAtStart = Report.ReadLoadAverage();
        Console.WriteLine($"Queue benchmark: {Messages} messages per cell in {SegmentCount} timed drains, after {WarmUpMessages} of warm-up. Load average: {loadAtStart}");
        foreach (var target in Targets.Where(t => options.Only is null || t.Cloud == options.Only))
        {
            Console.WriteLine($"== {target.HostName} on {target.StoreName}");
            await using var engine = await StartEngineAsync(target.Store);
            await RunCellAsync(new QueueCell(target), engine, cancellationToken);
        }

        var markdown = ToMarkdown(wallClock.Elapsed, loadAtStart, Report.ReadLoadAverage());
        var path = options.OutputGiven ? options.OutputPath : Path.Combine(repoRoot, "tests", "Benchmarks", "queue-results.md");
        await File.WriteAllTextAsync(path, markdown, cancellationToken);
        Console.WriteLine();
        Console.WriteLine(markdown);
        Console.WriteLine($"Wrote {path}. Total wall time: {wallClock.Elapsed:mm\\:ss}.");
        return Cells.All(c => c.Correct) ? 0 : 1;
    }

    /// <summary>Runs one host on one store: start, warm up, the timed drains, then the check of every balance.</summary>
    private async Task RunCellAsync(QueueCell cell, Engine engine, CancellationToken cancellationToken)
    {
        Cells.Add(cell);
        IQueueHostRun? run = null;
        try
        {
            cell.LoadAtStart = Report.ReadLoadAverage().Split(' ')[0];
            run = await GuardAsync(cell, null, () => StartAsync(cell, engine, cancellationToken));
            if (run is not null)
            {
                cell.WarmUp = await GuardAsync(cell, run, async () =>
                {
                    await run.EnqueueAsync(cell.Batch(WarmUpMessages, Accounts), cancellationToken);
                    return await run.DrainAsync(WarmUpMessages, cancellationToken);
                });
            }

            for (var segment = 0; segment < SegmentCount && run is not null && cell.Error is null; segment++)
            {
                var size = (Messages / SegmentCount) + (segment == SegmentCount - 1 ? Messages % SegmentCount : 0);
                var drain = await GuardAsync(cell, run, async () =>
                {
                    await run.EnqueueAsync(cell.Batch(size, Accounts), cancellationToken);
                    return await run.DrainAsync(size, cancellationToken);
                });
                if (drain is not null)
                {
                    cell.Segments.Add(drain);
                }
            }

            if (run is not null && cell.Error is null)
            {
                await GuardAsync(cell, run, async () =>
                {
                    await CheckAsync(cell, run, cancellationToken);
                    return cell;
                });
            }
        }
        finally
        {
            if (run is not null)
            {
                await run.DisposeAsync();
            }
        }

        if (cell.Error is not null)
        {
            cell.Correct = false;
            cell.Check = "did not complete";
            await Console.Error.WriteLineAsync($"   {cell.Label}: {cell.Error}");
            Console.WriteLine("   FAILED");
        }
        else
        {
            Console.WriteLine(string.Create(Invariant, $"   {cell.Rate:0} msg/s (median of {cell.Segments.Count} drains; {cell.Settled}/{Messages} settled), host CPU {cell.HostCpuPerMessageUs:0} µs/msg, all CPU {cell.AllCpuPerMessageUs:0} µs/msg; {(cell.Correct ? "checked" : "**WRONG**")}: {cell.Check}"));
        }
    }

    /// <summary>Runs a step of <paramref name="cell"/>; a failure is recorded on the cell (with the host's output) instead of ending the benchmark.</summary>
    private static async Task<T?> GuardAsync<T>(QueueCell cell, IQueueHostRun? run, Func<Task<T>> step)
        where T : class
    {
        try
        {
            return await step();
        }
        catch (Exception ex) when (ex is InvalidOperationException or HttpRequestException or IOException or TaskCanceledException or FormatException or KeyNotFoundException or Portable.Emulators.Azure.Isolated.WorkerProcessException or System.Text.Json.JsonException)
        {
            cell.Error = $"{ex.GetType().Name}: {ex.Message}" + (run is null ? string.Empty : $"\nHost output:\n{run.Tail}");
            return null;
        }
    }

    private static async Task CheckAsync(QueueCell cell, IQueueHostRun run, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        foreach (var (name, drain) in cell.Segments.Select((d, i) => ($"drain {i + 1}", d)).Prepend(("warm-up", cell.WarmUp!)))
        {
            if (drain.DeadLettered > 0 || drain.Unsettled > 0 || drain.FailedDeliveries is > 0)
            {
                problems.Add(string.Create(Invariant, $"{name}: {drain.DeadLettered} dead-lettered, {drain.Unsettled} left unsettled, {drain.FailedDeliveries?.ToString(Invariant) ?? "?"} failed deliveries"));
            }
        }

        var settled = cell.WarmUp!.Settled + cell.Settled;
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
            foreach (var (account, (balance, entries)) in cell.Expected)
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
                ? string.Create(Invariant, $"{cell.Expected.Count} balances and entry counts right")
                : string.Create(Invariant, $"{wrong} of {cell.Expected.Count} balances WRONG");
        }

        cell.Correct = problems.Count == 0;
        cell.Check = cell.Correct
            ? string.Create(Invariant, $"{settled}/{cell.Sent} settled, none failed or dead-lettered; {balances}")
            : $"**{string.Join("; ", problems)}**; {balances}";
    }

    private Task<IQueueHostRun> StartAsync(QueueCell cell, Engine engine, CancellationToken cancellationToken)
    {
        var n = Interlocked.Increment(ref _tables);
        return (cell.Target.Key, cell.Target.Store) switch
        {
            ("local", _) => LocalQueueRun.StartAsync(options, cancellationToken),
            ("aws", QueueStore.InMemory) => AwsQueueRun.StartAsync(null, options, cancellationToken),
            ("aws", _) => AwsQueueRun.StartAsync((engine.Dynalite!.ServiceUrl, $"QueueBench{n}"), options, cancellationToken),
            ("azure", QueueStore.InMemory) => AzureQueueRun.StartAsync(null, options, cancellationToken),
            ("azure", _) => AzureQueueRun.StartAsync((engine.Azurite!.ConnectionString, $"queuebench{n}"), options, cancellationToken),
            ("gcp", QueueStore.InMemory) => GcpQueueRun.StartAsync(null, options, cancellationToken),
            ("gcp", _) => GcpQueueRun.StartAsync((engine.Postgres!.ConnectionString, $"queue_bench_{n}"), options, cancellationToken),
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
        md.AppendLine("# Queue throughput: messages per second of the ledger through each host and store");
        md.AppendLine();
        md.AppendLine(Invariant, $"Generated by `{command}` on {TimeProvider.System.GetUtcNow():yyyy-MM-dd HH:mm} UTC; the whole run took {wallTime.TotalMinutes:0.0} min.");
        md.AppendLine();
        var wrong = Cells.Where(c => !c.Correct).ToList();
        if (wrong.Count > 0)
        {
            md.AppendLine(Invariant, $"> **WARNING: {wrong.Count} of {Cells.Count} runs lost, failed or misapplied messages, or did not complete** — their figures are not comparable:");
            foreach (var cell in wrong)
            {
                md.AppendLine(Invariant, $"> - {cell.Label}: {(cell.Error is null ? cell.Check : cell.Error.Split('\n')[0])}");
            }

            md.AppendLine();
        }
        else
        {
            md.AppendLine(Invariant, $"Every run settled all its messages exactly once: none failed, none dead-lettered, and every balance read back from the host matched the payments sent (where the host can read them back; see the last column).");
            md.AppendLine();
        }

        md.AppendLine(Invariant, $"The function is `ledger-writer` on `payments` (src/Core/Patterns/Ledger): each message is a valid payment with its own `paymentId` over {Accounts} accounts, so every message reads its account and writes its payment claim and ledger entry (and the account, the first time). ");
        md.AppendLine("Those insert-if-absent records are the ledger's own exactly-once markers; the generic message-idempotency layer (claim and completion records per message) is off for this function (`LedgerWriter.TriggerOptions`), so `PORTABLE_IDEMPOTENCY_DISABLED` changes nothing here and is left unset.");
        md.AppendLine();
        md.AppendLine(Invariant, $"Each host and store runs in its own process: {WarmUpMessages} messages of warm-up, then {Messages} messages in {SegmentCount} drains of {Messages / SegmentCount}. A drain puts its messages in the queue (not timed), then delivers until the queue is empty (timed).");
        md.AppendLine("msg/s is the median over the drains of the messages the platform settled as done (acked or deleted after success) per second.");
        md.AppendLine("**Baseline**: the same host with the in-memory store, measured in the same run; the local host has no in-memory option (`LocalHost.Build` registers its SQLite store unconditionally), so it is its own baseline.");
        md.AppendLine("Host CPU is the host process's user + system time over the timed drain divided by the messages settled (10 ms ticks): for the local host it includes its queue; for the adapters the emulator runs in the benchmark process and the engines (dynalite, Azurite, PostgreSQL) in their own, so neither is counted there.");
        md.AppendLine("CPU time hardly moves with the machine's load, where wall time (msg/s) does: on a busy machine CPU per message is the steadier measure. All CPU adds them: the benchmark process (emulators, the driver; for the local host a 2 ms poll of the queue) and every process under it (host, engine) — the whole cost of a message on this machine, whatever else runs beside it.");
        md.AppendLine();
        md.AppendLine("| Host | Delivery (emulated) | Store | msg/s | ÷ baseline | host CPU/msg | all CPU/msg | Checked |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---|");
        foreach (var target in Targets)
        {
            if (Cells.FirstOrDefault(c => c.Target == target) is not { } cell)
            {
                continue;
            }

            var baselineTarget = Targets.FirstOrDefault(t => t.Key == target.Key && t.Store == QueueStore.InMemory) ?? target;
            var baseline = Cells.FirstOrDefault(c => c.Target == baselineTarget)?.Rate ?? double.NaN;
            var check = cell.Correct
                ? (cell.Check.Contains("not readable", StringComparison.Ordinal) ? "all settled once; balances not readable (see below)" : "all settled once; balances right")
                : "**NO — see the warning above**";
            md.AppendLine(Invariant, $"| {target.HostName} | {target.Delivery} | {target.StoreName} | {Num(cell.Rate)} | {Ratio(cell.Rate, baseline)} | {Cpu(cell.HostCpuPerMessageUs)} | {Cpu(cell.AllCpuPerMessageUs)} | {check} |");
        }
        md.AppendLine();
        md.AppendLine("## How it was run");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(command);
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("`--queues --quick` delivers 400 messages per process in 4 drains after 100 of warm-up; `--messages N` and `--segments N` change the full run's 5,000 in 10 drains; `--only aws|gcp` keeps one cloud.");
        md.AppendLine();
        md.AppendLine(Invariant, $"- Machine: {RuntimeInformation.OSDescription}, {Environment.ProcessorCount} logical cores; runner on {RuntimeInformation.FrameworkDescription}. Load average (1, 5, 15 min) when the run began: {loadAtStart}; when it ended: {loadAtEnd}. Other work shared the machine: absolute figures move with it, CPU per message less so.");
        md.AppendLine("- Hosts are the Release build outputs (framework-dependent, JIT) of src/Local, src/Aws, src/Azure and src/Gcp, built by `dotnet run -c Release`; each is started as its platform would start it, by the same code as in the conformance suite (src/Compare/Hosts), the emulators run in the benchmark's process, the engines come from tests/Engines.");
        md.AppendLine("- Every emulator delivers serially, as one instance of each platform would with its defaults here: SQS batches of 10 to one Lambda instance, one Storage-queue message per invocation, one push at a time; the local worker leases 10 at a time and runs them in order. So msg/s is per instance; real platforms scale out across instances.");
        md.AppendLine("- Local host: messages are staged as dead letters in its SQLite file from the benchmark process, and the timed drain begins with `POST /_local/queues/payments/dead-letters/redrive` (one transaction moves them all into the queue) and ends when a poll (every 2 ms) finds the queue empty.");
        md.AppendLine("- AWS with the in-memory store: the state lives in the ledger-writer process and accounts-api is another Lambda function, so balances cannot be read back; the check there is that SQS deleted every message after a successful batch with no `batchItemFailures` and nothing reached `payments-dlq`.");
        md.AppendLine();
        md.AppendLine("Every process, in order (1-minute load average when it started; the warm-up as settled / failed deliveries / dead-lettered / left, seconds, msg/s, CPU per message of the host and of all processes; then each timed drain's msg/s):");
        md.AppendLine();
        foreach (var cell in Cells)
        {
            md.AppendLine(Invariant, $"- {cell.Label} (load {cell.LoadAtStart}): warm-up {Raw(cell.WarmUp)}; drains {string.Join(", ", cell.Segments.Select(d => string.Create(Invariant, $"{d.MessagesPerSecond:0}")))} msg/s; {(cell.Error is null ? cell.Check : "error: " + cell.Error.Split('\n')[0])}");
        }

        return md.ToString();
    }

    private static string Num(double value) => double.IsNaN(value) ? "–" : string.Create(Invariant, $"{value:0}");

    private static string Cpu(double value) =>
        double.IsNaN(value) ? "–" : value >= 10_000 ? string.Create(Invariant, $"{value / 1000:0.0} ms") : string.Create(Invariant, $"{value:0} µs");

    private static string Ratio(double value, double baseline) =>
        double.IsNaN(value) || double.IsNaN(baseline) || baseline == 0 ? "–" : string.Create(Invariant, $"{value / baseline:0.00}×");

    private static string Raw(QueueDrain? d) => d is null
        ? "–"
        : string.Create(Invariant, $"{d.Settled}/{d.FailedDeliveries?.ToString(Invariant) ?? "?"}/{d.DeadLettered}/{d.Unsettled}, {d.Elapsed.TotalSeconds:0.00} s, {d.MessagesPerSecond:0} msg/s, {d.CpuPerMessageUs:0} µs host / {d.AllCpuPerMessageUs:0} µs all");

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
