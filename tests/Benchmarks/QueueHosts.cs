using System.Globalization;
using System.Text;
using Portable.Core.Messaging;
using Portable.Core.Patterns.Ledger;
using Portable.Emulators.Aws;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.Emulators.Gcp;
using Portable.Compare.Hosts;
using Portable.Local.Queues;

namespace Portable.Benchmarks;

/// <summary>What one timed drain settled, as the platform (emulator) saw it.</summary>
/// <param name="Settled">Messages settled as done: acked/deleted after a successful run, dead letters excluded.</param>
/// <param name="FailedDeliveries">Deliveries the platform saw fail (retries to come); null where the host does not show them.</param>
/// <param name="DeadLettered">Messages dead-lettered (by the host or by the platform).</param>
/// <param name="Unsettled">Messages still in the queue when the drain gave up (a retry waiting on its backoff, or lost).</param>
/// <param name="Elapsed">From the first delivery being offered to the last settlement.</param>
/// <param name="HostCpu">User + system CPU of the host process over the drain.</param>
internal sealed record QueueDrain(int Settled, int? FailedDeliveries, int DeadLettered, int Unsettled, TimeSpan Elapsed, TimeSpan HostCpu)
{
    public double MessagesPerSecond => Settled / Elapsed.TotalSeconds;

    public double CpuPerMessageUs => Settled == 0 ? double.NaN : HostCpu.TotalMicroseconds / Settled;

    /// <summary>CPU of this process (emulators, driver) and every process under it (host, engines) over the drain.</summary>
    public TimeSpan AllCpu { get; init; }

    public double AllCpuPerMessageUs => Settled == 0 ? double.NaN : AllCpu.TotalMicroseconds / Settled;
}

/// <summary>CPU of this process and all its descendants (hosts, engines, their children), from /proc.</summary>
internal static class ProcessTreeCpu
{
    public static TimeSpan Read()
    {
        var self = Environment.ProcessId;
        var parents = new Dictionary<int, int>();
        var ticks = new Dictionary<int, long>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' '); // from field 3 (state) on
                parents[pid] = int.Parse(fields[1], CultureInfo.InvariantCulture);
                ticks[pid] = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // gone meanwhile
            }
        }

        long total = 0;
        foreach (var (pid, t) in ticks)
        {
            for (var p = pid; p > 1; p = parents.GetValueOrDefault(p))
            {
                if (p == self)
                {
                    total += t;
                    break;
                }
            }
        }

        return TimeSpan.FromMilliseconds(total * 10.0); // USER_HZ 100
    }
}

/// <summary>One started host running <c>ledger-writer</c> on <c>payments</c> behind its platform's delivery protocol.</summary>
internal interface IQueueHostRun : IAsyncDisposable
{
    /// <summary>The process whose CPU is the host's.</summary>
    int ProcessId { get; }

    /// <summary>Puts messages in the queue without delivering them (not timed).</summary>
    Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken);

    /// <summary>Delivers until the queue is empty (timed); <paramref name="expected"/> messages were enqueued.</summary>
    Task<QueueDrain> DrainAsync(int expected, CancellationToken cancellationToken);

    /// <summary>Why balances cannot be read back, or null when <see cref="AccountAsync"/> works.</summary>
    string? UnreadableBecause { get; }

    /// <summary>Reads an account's balance (null: no entries).</summary>
    Task<LedgerAccount?> AccountAsync(string account, CancellationToken cancellationToken);

    /// <summary>The host's last output lines, for errors.</summary>
    string Tail { get; }
}

/// <summary>What the queue hosts share here; how each host is started is src/Compare/Hosts's, as for the conformance suite.</summary>
internal static class QueueHostKit
{
    /// <summary>How long a request, or a drain that makes no progress, may take.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The host process's variables: every store and fault setting of this machine unset,
    /// then the benchmark's own <c>--env</c> ones.
    /// </summary>
    public static Dictionary<string, string?> BaseEnvironment(BenchmarkOptions options)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PORTABLE_IDEMPOTENCY_DISABLED"] = null, // the ledger has the generic layer off by itself; nothing inherited either
            ["PORTABLE_FAULTS_TRANSIENT_RATE"] = null,
            ["AzureWebJobsStorage"] = null,
            ["PORTABLE_TABLES_CONNECTION"] = null,
            ["PORTABLE_DYNAMODB_TABLE"] = null,
            ["PORTABLE_POSTGRES_CONNECTION"] = null,
            ["FUNCTION_TARGET"] = null,
            ["ASPNETCORE_URLS"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_ENVIRONMENT"] = null,
            ["DOTNET_ENVIRONMENT"] = null,
        };
        foreach (var (name, value) in options.Environment)
        {
            environment[name] = value;
        }

        return environment;
    }

    /// <summary>The last lines of <paramref name="output"/>.</summary>
    public static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(30));
}

/// <summary>
/// The local host (<see cref="LocalHostProcess"/>) with its own data folder: state and queue in one SQLite file.
/// Messages are staged as dead letters through <see cref="SqliteMessageQueue"/> from this process (the worker never
/// reads those), and the timed drain starts with <c>POST /_local/queues/payments/dead-letters/redrive</c>, which moves
/// them all into the queue in one transaction; it ends when a poll of the queue (the file, from this process, so the
/// host spends no CPU on it) finds it empty.
/// </summary>
internal sealed class LocalQueueRun(LocalHostProcess host, SqliteMessageQueue queue) : IQueueHostRun
{
    private const string StagingReason = "staged by the queue benchmark";

    public int ProcessId => host.Process.Id;

    public string? UnreadableBecause => null;

    public string Tail => QueueHostKit.Tail(host.Process.Output);

    public static async Task<IQueueHostRun> StartAsync(BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var host = await LocalHostProcess.StartAsync(QueueHostKit.BaseEnvironment(options), cancellationToken: cancellationToken);
        return new LocalQueueRun(host, new SqliteMessageQueue(host.DatabasePath, TimeProvider.System));
    }

    public async Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        foreach (var body in bodies)
        {
            await queue.DeadLetterAsync(
                new IncomingMessage { Id = Guid.NewGuid().ToString(), Body = Encoding.UTF8.GetBytes(body), Source = LedgerWriter.Queue, DeliveryCount = 0, EnqueuedAt = now },
                StagingReason,
                cancellationToken);
        }
    }

    public async Task<QueueDrain> DrainAsync(int expected, CancellationToken cancellationToken)
    {
        var cpuBefore = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken);
        var allBefore = ProcessTreeCpu.Read();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var moved = await host.RedriveAsync(LedgerWriter.Queue, cancellationToken);
        if (moved != expected)
        {
            throw new InvalidOperationException($"The redrive moved {moved} staged messages, not {expected}.");
        }

        long left = expected;
        var lastProgress = clock.Elapsed;
        while (left > 0)
        {
            await Task.Delay(2, cancellationToken);
            var now = await queue.CountAsync(LedgerWriter.Queue, cancellationToken);
            if (now < left)
            {
                lastProgress = clock.Elapsed;
            }

            left = now;
            if (clock.Elapsed - lastProgress > QueueHostKit.Patience || host.Process.HasExited)
            {
                break;
            }
        }

        var elapsed = clock.Elapsed;
        var cpu = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken) - cpuBefore;
        var all = ProcessTreeCpu.Read() - allBefore;
        var dead = (int)await queue.CountDeadLettersAsync(LedgerWriter.Queue, cancellationToken);
        return new QueueDrain(expected - (int)left - dead, null, dead, (int)left, elapsed, cpu) with { AllCpu = all };
    }

    public async Task<LedgerAccount?> AccountAsync(string account, CancellationToken cancellationToken)
    {
        using var client = host.CreateClient(QueueHostKit.Patience);
        return await LedgerAccounts.ReadAsync(client, account, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools(); // this process's connections to the file, before it is deleted
        await host.DisposeAsync();
    }
}

/// <summary>
/// Lambda with an SQS event source mapping (<see cref="LambdaSqsHost"/>): src/Aws's <c>bootstrap</c>
/// (<c>_HANDLER=ledger-writer</c>) polling the Runtime API emulator, fed by the SQS event source emulator in batches of
/// the trigger's size (10), one invocation at a time as one Lambda instance takes them. State in the process
/// (in-memory) or in DynamoDB (dynalite). Balances are read after the drain through a second bootstrap
/// (<c>accounts-api</c>, <see cref="LambdaHttpHost"/>) behind the API Gateway emulator, which shares state only through
/// DynamoDB: with the in-memory store they cannot be read back.
/// </summary>
internal sealed class AwsQueueRun(LambdaSqsHost host, Dictionary<string, string?> environment, bool shared) : IQueueHostRun
{
    private readonly SqsEventSourceEmulator _sqs = host.Sqs;
    private (LambdaHttpHost Host, HttpClient Client)? _accounts;

    public int ProcessId => host.Functions[0].Id;

    public string? UnreadableBecause => shared ? null : "in-memory state lives inside the ledger-writer process; accounts-api is another Lambda function (checked instead: every message deleted after a successful batch, none in payments-dlq)";

    public string Tail => QueueHostKit.Tail(host.Output);

    /// <param name="dynamo">The DynamoDB endpoint and table, or null for the in-memory store.</param>
    /// <param name="options">The benchmark's options.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<IQueueHostRun> StartAsync((Uri Endpoint, string Table)? dynamo, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var environment = QueueHostKit.BaseEnvironment(options);
        if (dynamo is { } d)
        {
            environment["PORTABLE_DYNAMODB_TABLE"] = d.Table;
            environment["PORTABLE_DYNAMODB_ENDPOINT"] = d.Endpoint.ToString();
        }

        var host = await LambdaSqsHost.StartAsync(environment: environment, timeout: QueueHostKit.Patience, cancellationToken: cancellationToken);
        return new AwsQueueRun(host, environment, dynamo is not null);
    }

    public Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        foreach (var body in bodies)
        {
            _sqs.Send(body);
        }

        return Task.CompletedTask;
    }

    public async Task<QueueDrain> DrainAsync(int expected, CancellationToken cancellationToken)
    {
        var deadBefore = _sqs.DeadLetters.Count;
        var cpuBefore = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken);
        var allBefore = ProcessTreeCpu.Read();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var deleted = 0;
        var failed = 0;
        while (true)
        {
            var poll = await _sqs.PollOnceAsync(cancellationToken);
            if (poll.Invocation is null)
            {
                break; // nothing visible: empty, or failures hidden for the visibility timeout (30 s)
            }

            deleted += poll.Deleted.Count;
            failed += poll.Failed.Count;
        }

        var elapsed = clock.Elapsed;
        var cpu = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken) - cpuBefore;
        var all = ProcessTreeCpu.Read() - allBefore;
        var dead = _sqs.DeadLetters.Count - deadBefore; // sent by the function's own dead-letter sink (it then reports success)
        return new QueueDrain(deleted - dead, failed, dead, _sqs.Messages().Count, elapsed, cpu) with { AllCpu = all };
    }

    public async Task<LedgerAccount?> AccountAsync(string account, CancellationToken cancellationToken)
    {
        if (!shared)
        {
            throw new InvalidOperationException(UnreadableBecause);
        }

        if (_accounts is null)
        {
            var accounts = await LambdaHttpHost.StartAsync(AccountsApi.FunctionName, environment: environment, timeout: QueueHostKit.Patience, cancellationToken: cancellationToken);
            _accounts = (accounts, accounts.CreateClient(QueueHostKit.Patience));
        }

        return await LedgerAccounts.ReadAsync(_accounts.Value.Client, account, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_accounts is { } a)
        {
            a.Client.Dispose();
            await a.Host.DisposeAsync();
        }

        await host.DisposeAsync();
    }
}

/// <summary>
/// An Azure Functions app with a <c>queueTrigger</c> on <c>payments</c> (<see cref="AzureFunctionsApp"/>): src/Azure's
/// Portable.Azure isolated worker, from its build output, under the isolated Functions host emulator (gRPC), one message
/// per invocation from the emulator's Storage queue, one at a time (the emulator's delivery is serial). State in the worker (in-memory: no
/// storage account configured) or in Table Storage on Azurite (<c>AzureWebJobsStorage</c>, a table per run).
/// Balances from the front door.
/// </summary>
internal sealed class AzureQueueRun : IQueueHostRun
{
    private readonly IsolatedFunctionsHost _host;
    private readonly HttpClient _client;

    private AzureQueueRun(IsolatedFunctionsHost host)
    {
        _host = host;
        _client = host.CreateClient();
        _client.Timeout = QueueHostKit.Patience;
    }

    public int ProcessId => _host.WorkerProcess!.Id;

    public string? UnreadableBecause => null;

    public string Tail => QueueHostKit.Tail(_host.WorkerOutput + "\n" + string.Join('\n', _host.Logs.TakeLast(20)));

    /// <param name="tables">The Azurite connection string and table, or null for the in-memory store.</param>
    /// <param name="options">The benchmark's options.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<IQueueHostRun> StartAsync((string Connection, string Table)? tables, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        if (tables is { } t)
        {
            environment["AzureWebJobsStorage"] = t.Connection;
            environment["PORTABLE_TABLES_TABLE"] = t.Table;
        }

        foreach (var (name, value) in options.Environment)
        {
            environment[name] = value;
        }

        return new AzureQueueRun(await AzureFunctionsApp.StartAsync(AzureFunctionsApp.Options(environment) with { StartupTimeout = QueueHostKit.Patience }, cancellationToken));
    }

    public Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        foreach (var body in bodies)
        {
            _host.Queues.Enqueue(LedgerWriter.Queue, body);
        }

        return Task.CompletedTask;
    }

    public async Task<QueueDrain> DrainAsync(int expected, CancellationToken cancellationToken)
    {
        var deadBefore = DeadLetteredByHandler();
        var cpuBefore = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken);
        var allBefore = ProcessTreeCpu.Read();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var deliveries = await _host.Queues.DeliverVisibleAsync(cancellationToken); // until nothing is visible (retries have no delay by default)
        var elapsed = clock.Elapsed;
        var cpu = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken) - cpuBefore;
        var all = ProcessTreeCpu.Read() - allBefore;
        var deadByHandler = DeadLetteredByHandler() - deadBefore; // succeeded after writing payments-poison itself
        var poisoned = deliveries.Count(d => d.Outcome == QueueDeliveryOutcome.Poisoned);
        var completed = deliveries.Count(d => d.Outcome == QueueDeliveryOutcome.Completed);
        var failed = deliveries.Count(d => d.Outcome != QueueDeliveryOutcome.Completed);
        return new QueueDrain(completed - deadByHandler, failed, deadByHandler + poisoned, _host.Queues.Messages(LedgerWriter.Queue).Count, elapsed, cpu) with { AllCpu = all };
    }

    public Task<LedgerAccount?> AccountAsync(string account, CancellationToken cancellationToken) =>
        LedgerAccounts.ReadAsync(_client, account, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private int DeadLetteredByHandler() => AzureFunctionsApp.DeadLetteredByHandler(_host.Logs).Count;
}

/// <summary>
/// Cloud Run fed by a Pub/Sub push subscription (<see cref="PubSubPushHost"/>): src/Gcp's Portable.Gcp with
/// <c>PORT</c> set, the push emulator posting one wrapped envelope per message to <c>/ledger-writer</c>, one at a time
/// (its delivery is serial). State in the process (in-memory) or in PostgreSQL (<c>PORTABLE_POSTGRES_CONNECTION</c>,
/// a table per run). Balances from the same service's <c>GET /accounts/{account}</c>.
/// </summary>
internal sealed class GcpQueueRun : IQueueHostRun
{
    private readonly PubSubPushHost _host;
    private readonly PubSubPushEmulator _emulator;
    private readonly HttpClient _client;

    private GcpQueueRun(PubSubPushHost host)
    {
        _host = host;
        _emulator = host.PubSub;
        _client = host.Service.CreateClient(QueueHostKit.Patience);
    }

    public int ProcessId => _host.Service.Process.Id;

    public string? UnreadableBecause => null;

    public string Tail => QueueHostKit.Tail(_host.Service.Process.Output);

    /// <param name="postgres">The connection string and table, or null for the in-memory store.</param>
    /// <param name="options">The benchmark's options.</param>
    /// <param name="cancellationToken">Stops the start.</param>
    public static async Task<IQueueHostRun> StartAsync((string Connection, string Table)? postgres, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var environment = QueueHostKit.BaseEnvironment(options);
        if (postgres is { } p)
        {
            environment["PORTABLE_POSTGRES_CONNECTION"] = p.Connection;
            environment["PORTABLE_POSTGRES_TABLE"] = p.Table;
        }

        return new GcpQueueRun(await PubSubPushHost.StartAsync(environment: environment, timeout: QueueHostKit.Patience, cancellationToken: cancellationToken));
    }

    public Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        foreach (var body in bodies)
        {
            _emulator.Publish(PubSubPushHost.Topic, Encoding.UTF8.GetBytes(body));
        }

        return Task.CompletedTask;
    }

    public async Task<QueueDrain> DrainAsync(int expected, CancellationToken cancellationToken)
    {
        var deadBefore = _emulator.Messages(PubSubPushHost.DeadLetterTopic).Count;
        var cpuBefore = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken);
        var allBefore = ProcessTreeCpu.Read();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var acked = 0;
        var failed = 0;
        var forwardedByPubSub = 0;
        while (true)
        {
            var attempts = await _emulator.DeliverDueAsync(cancellationToken);
            if (attempts.Count == 0)
            {
                break; // empty, or nacked messages waiting on their backoff (10 s at least)
            }

            acked += attempts.Count(a => a.Outcome == PushOutcome.Acked);
            failed += attempts.Count(a => a.Outcome != PushOutcome.Acked);
            forwardedByPubSub += attempts.Count(a => a.Outcome == PushOutcome.DeadLettered);
        }

        var elapsed = clock.Elapsed;
        var cpu = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken) - cpuBefore;
        var all = ProcessTreeCpu.Read() - allBefore;
        var dead = _emulator.Messages(PubSubPushHost.DeadLetterTopic).Count - deadBefore; // published by the host (it then acks) or forwarded by Pub/Sub
        var forwarded = forwardedByPubSub; // not acked: after the last allowed attempt failed
        return new QueueDrain(acked - (dead - forwarded), failed, dead, _emulator.PendingCount, elapsed, cpu) with { AllCpu = all };
    }

    public Task<LedgerAccount?> AccountAsync(string account, CancellationToken cancellationToken) =>
        LedgerAccounts.ReadAsync(_client, account, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }
}
