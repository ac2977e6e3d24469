using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Portable.Core.Messaging;
using Portable.Local.Emulators.Aws;
using Portable.Local.Emulators.Azure;
using Portable.Local.Emulators.Gcp;
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

/// <summary>An account as read back from the host.</summary>
internal sealed record QueueAccount(decimal Balance, int Entries);

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
    Task<QueueAccount?> AccountAsync(string account, CancellationToken cancellationToken);

    /// <summary>The host's last output lines, for errors.</summary>
    string Tail { get; }
}

/// <summary>Paths, ports and shared pieces of the queue hosts.</summary>
internal static class QueueHostKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>A project's Release build output (built with the benchmark: see Portable.Benchmarks.csproj).</summary>
    public static string BuildOutput(string repoRoot, string project, string file)
    {
        var path = Path.Combine(repoRoot, project, "bin", "Release", "net10.0", file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: run the benchmark with -c Release (it builds {project}).", path);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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

    public static async Task<QueueAccount?> ReadAccountAsync(HttpClient client, string account, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri($"/accounts/{account}", UriKind.Relative), cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET /accounts/{account} answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return new QueueAccount(json.RootElement.GetProperty("balance").GetDecimal(), json.RootElement.GetProperty("entries").GetInt32());
    }

    public static async Task WaitUntilAnsweringAsync(HttpClient client, HostProcess host, string name, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (host.HasExited || clock.Elapsed > Patience)
            {
                throw new InvalidOperationException($"{name} never answered (exited: {host.HasExited}). Output:\n{host.Tail}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri("/", UriKind.Relative), cancellationToken);
                return; // any answer: it is listening
            }
            catch (HttpRequestException)
            {
                await Task.Delay(20, cancellationToken);
            }
        }
    }
}

/// <summary>
/// The local host (src/Local's build output) as a process with its own data folder: state and queue in one SQLite
/// file. Messages are staged as dead letters through <see cref="SqliteMessageQueue"/> from this process (the worker
/// never reads those), and the timed drain starts with <c>POST /_local/queues/payments/dead-letters/redrive</c>,
/// which moves them all into the queue in one transaction; it ends when a poll of the queue finds it empty.
/// </summary>
internal sealed class LocalQueueRun : IQueueHostRun
{
    private const string Queue = "payments";
    private const string StagingReason = "staged by the queue benchmark";
    private readonly HostProcess _host;
    private readonly string _dataDir;
    private readonly SqliteMessageQueue _queue;
    private readonly HttpClient _client;

    private LocalQueueRun(HostProcess host, string dataDir, SqliteMessageQueue queue, HttpClient client)
    {
        _host = host;
        _dataDir = dataDir;
        _queue = queue;
        _client = client;
    }

    public int ProcessId => _host.ProcessId;

    public string? UnreadableBecause => null;

    public string Tail => _host.Tail;

    public static async Task<IQueueHostRun> StartAsync(string repoRoot, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var dataDir = Directory.CreateTempSubdirectory("portable-queue-bench-").FullName;
        var port = QueueHostKit.FreePort();
        var environment = QueueHostKit.BaseEnvironment(options);
        environment["PORT"] = null;
        var host = HostProcess.Start(
            QueueHostKit.BuildOutput(repoRoot, "src/Local", "Portable.Local"),
            environment,
            ["run", "--port", port.ToString(CultureInfo.InvariantCulture), "--data", dataDir]);
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = QueueHostKit.Patience };
        try
        {
            await QueueHostKit.WaitUntilAnsweringAsync(client, host, "the local host", cancellationToken);
        }
        catch
        {
            client.Dispose();
            await host.DisposeAsync();
            throw;
        }

        return new LocalQueueRun(host, dataDir, new SqliteMessageQueue(Path.Combine(dataDir, "portable.db"), TimeProvider.System), client);
    }

    public async Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        var now = TimeProvider.System.GetUtcNow();
        foreach (var body in bodies)
        {
            await _queue.DeadLetterAsync(
                new IncomingMessage { Id = Guid.NewGuid().ToString(), Body = Encoding.UTF8.GetBytes(body), Source = Queue, DeliveryCount = 0, EnqueuedAt = now },
                StagingReason,
                cancellationToken);
        }
    }

    public async Task<QueueDrain> DrainAsync(int expected, CancellationToken cancellationToken)
    {
        var cpuBefore = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken);
        var allBefore = ProcessTreeCpu.Read();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using (var redrive = await _client.PostAsync(new Uri($"/_local/queues/{Queue}/dead-letters/redrive", UriKind.Relative), null, cancellationToken))
        {
            var text = await redrive.Content.ReadAsStringAsync(cancellationToken);
            using var json = JsonDocument.Parse(text);
            var moved = json.RootElement.GetProperty("redriven").GetInt32();
            if (moved != expected)
            {
                throw new InvalidOperationException($"The redrive moved {moved} staged messages, not {expected}: {text}");
            }
        }

        long left = expected;
        var lastProgress = clock.Elapsed;
        while (left > 0)
        {
            await Task.Delay(2, cancellationToken);
            var now = await _queue.CountAsync(Queue, cancellationToken);
            if (now < left)
            {
                lastProgress = clock.Elapsed;
            }

            left = now;
            if (clock.Elapsed - lastProgress > QueueHostKit.Patience || _host.HasExited)
            {
                break;
            }
        }

        var elapsed = clock.Elapsed;
        var cpu = await ProcessCpu.ProcessTimeAsync(ProcessId, cancellationToken) - cpuBefore;
        var all = ProcessTreeCpu.Read() - allBefore;
        var dead = (await _queue.ListDeadLettersAsync(Queue, cancellationToken)).Count;
        return new QueueDrain(expected - (int)left - dead, null, dead, (int)left, elapsed, cpu) with { AllCpu = all };
    }

    public Task<QueueAccount?> AccountAsync(string account, CancellationToken cancellationToken) =>
        QueueHostKit.ReadAccountAsync(_client, account, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
            // a file still held open; the temp folder is cleaned some other day
        }
    }
}

/// <summary>
/// Lambda with an SQS event source mapping: src/Aws's <c>bootstrap</c> (<c>_HANDLER=ledger-writer</c>) polling the
/// Runtime API emulator, fed by the SQS event source emulator in batches of the trigger's size (10), one invocation
/// at a time as one Lambda instance takes them. State in the process (in-memory) or in DynamoDB (dynalite).
/// Balances are read after the drain through a second bootstrap (<c>accounts-api</c>) behind the API Gateway
/// emulator, which shares state only through DynamoDB: with the in-memory store they cannot be read back.
/// </summary>
internal sealed class AwsQueueRun : IQueueHostRun
{
    private readonly LambdaRuntimeApiEmulator _lambda;
    private readonly SqsEventSourceEmulator _sqs;
    private readonly LambdaFunctionProcess _function;
    private readonly Dictionary<string, string?> _environment;
    private readonly string _bootstrap;
    private readonly bool _shared;
    private (LambdaRuntimeApiEmulator Lambda, LambdaFunctionProcess Function, ApiGatewayEmulator Gateway, HttpClient Client)? _accounts;

    private AwsQueueRun(LambdaRuntimeApiEmulator lambda, SqsEventSourceEmulator sqs, LambdaFunctionProcess function, Dictionary<string, string?> environment, string bootstrap, bool shared)
    {
        _lambda = lambda;
        _sqs = sqs;
        _function = function;
        _environment = environment;
        _bootstrap = bootstrap;
        _shared = shared;
    }

    public int ProcessId => _function.ProcessId;

    public string? UnreadableBecause => _shared ? null : "in-memory state lives inside the ledger-writer process; accounts-api is another Lambda function (checked instead: every message deleted after a successful batch, none in payments-dlq)";

    public string Tail => string.Join('\n', _function.OutputLines.TakeLast(30));

    /// <param name="dynamo">The DynamoDB endpoint and table, or null for the in-memory store.</param>
    public static async Task<IQueueHostRun> StartAsync(string repoRoot, (Uri Endpoint, string Table)? dynamo, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var bootstrap = QueueHostKit.BuildOutput(repoRoot, "src/Aws", "bootstrap.dll");
        var lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = "ledger-writer" }, cancellationToken);
        SqsEventSourceEmulator? sqs = null;
        try
        {
            sqs = await SqsEventSourceEmulator.StartAsync(lambda, new SqsEventSourceEmulatorOptions { QueueName = "payments", BatchSize = Core.Patterns.Ledger.LedgerWriter.TriggerOptions.BatchSize }, cancellationToken);
            var environment = QueueHostKit.BaseEnvironment(options);
            environment["AWS_ACCESS_KEY_ID"] = "AKIDLOCAL";
            environment["AWS_SECRET_ACCESS_KEY"] = "local";
            environment["AWS_SESSION_TOKEN"] = null;
            environment["AWS_REGION"] = "us-east-1";
            environment["AWS_ENDPOINT_URL_SQS"] = sqs.ServiceUrl.ToString();
            if (dynamo is { } d)
            {
                environment["PORTABLE_DYNAMODB_TABLE"] = d.Table;
                environment["PORTABLE_DYNAMODB_ENDPOINT"] = d.Endpoint.ToString();
            }

            var function = Start(bootstrap, lambda, "ledger-writer", environment);
            try
            {
                await WaitUntilPollingAsync(lambda, function, cancellationToken);
            }
            catch
            {
                await function.DisposeAsync();
                throw;
            }

            return new AwsQueueRun(lambda, sqs, function, environment, bootstrap, dynamo is not null);
        }
        catch
        {
            if (sqs is not null)
            {
                await sqs.DisposeAsync();
            }

            await lambda.DisposeAsync();
            throw;
        }
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

    public async Task<QueueAccount?> AccountAsync(string account, CancellationToken cancellationToken)
    {
        if (!_shared)
        {
            throw new InvalidOperationException(UnreadableBecause);
        }

        if (_accounts is null)
        {
            var lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = "accounts-api" }, cancellationToken);
            var function = Start(_bootstrap, lambda, "accounts-api", _environment);
            await WaitUntilPollingAsync(lambda, function, cancellationToken);
            var gateway = await ApiGatewayEmulator.StartAsync(lambda, new ApiGatewayEmulatorOptions { Format = ApiGatewayEventFormat.HttpApiV2 }, cancellationToken);
            _accounts = (lambda, function, gateway, new HttpClient { BaseAddress = gateway.RootAddress, Timeout = QueueHostKit.Patience });
        }

        return await QueueHostKit.ReadAccountAsync(_accounts.Value.Client, account, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_accounts is { } a)
        {
            a.Client.Dispose();
            await a.Gateway.DisposeAsync();
            await a.Function.DisposeAsync();
            await a.Lambda.DisposeAsync();
        }

        await _function.DisposeAsync();
        await _sqs.DisposeAsync();
        await _lambda.DisposeAsync();
    }

    private static LambdaFunctionProcess Start(string bootstrap, LambdaRuntimeApiEmulator lambda, string handler, Dictionary<string, string?> environment) =>
        LambdaFunctionProcess.Start(new LambdaFunctionProcessOptions
        {
            BootstrapPath = bootstrap,
            RuntimeApi = lambda.RuntimeApi,
            Handler = handler,
            FunctionName = handler,
            MemorySizeMb = 512,
            Environment = new Dictionary<string, string?>(environment, StringComparer.Ordinal),
        });

    private static async Task WaitUntilPollingAsync(LambdaRuntimeApiEmulator lambda, LambdaFunctionProcess function, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(QueueHostKit.Patience);
        var ready = lambda.WaitForRuntimeAsync(timeout.Token);
        var exited = function.WaitForExitAsync(timeout.Token);
        await Task.WhenAny(ready, exited);
        if (!ready.IsCompletedSuccessfully)
        {
            throw new InvalidOperationException($"The bootstrap ({function.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "still running"}) did not poll /runtime/invocation/next. Output:\n{string.Join('\n', function.OutputLines.TakeLast(30))}");
        }
    }
}

/// <summary>
/// An Azure Functions app with a <c>queueTrigger</c> on <c>payments</c>: src/Azure's Portable.Azure started by the
/// Functions host emulator from deploy/azure, one message per invocation from the emulator's Storage queue, one at
/// a time (the emulator's delivery is serial). State in the handler (in-memory: no storage account configured) or
/// in Table Storage on Azurite (<c>AzureWebJobsStorage</c>, a table per run). Balances from the front door.
/// </summary>
internal sealed partial class AzureQueueRun : IQueueHostRun
{
    private const string Queue = "payments";
    private static readonly HashSet<int> Claimed = [];
    private readonly FunctionsHostEmulator _host;
    private readonly HttpClient _client;

    private AzureQueueRun(FunctionsHostEmulator host, int processId)
    {
        _host = host;
        ProcessId = processId;
        _client = host.CreateClient();
        _client.Timeout = QueueHostKit.Patience;
    }

    public int ProcessId { get; }

    public string? UnreadableBecause => null;

    public string Tail => string.Join('\n', _host.HandlerOutput.Split('\n').TakeLast(30));

    /// <param name="tables">The Azurite connection string and table, or null for the in-memory store.</param>
    public static async Task<IQueueHostRun> StartAsync(string repoRoot, (string Connection, string Table)? tables, BenchmarkOptions options, CancellationToken cancellationToken)
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

        var host = await FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions
        {
            ScriptRoot = Path.Combine(repoRoot, "deploy", "azure"),
            ExecutablePath = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } dotnet ? dotnet : "dotnet",
            Arguments = [QueueHostKit.BuildOutput(repoRoot, "src/Azure", "Portable.Azure.dll")],
            Environment = environment,
            StartupTimeout = QueueHostKit.Patience,
        }, cancellationToken);
        var pid = ChildProcess("Portable.Azure.dll");
        if (pid is null)
        {
            await host.DisposeAsync();
            throw new InvalidOperationException("The handler process (dotnet Portable.Azure.dll, a child of this process) was not found in /proc.");
        }

        return new AzureQueueRun(host, pid.Value);
    }

    public Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        foreach (var body in bodies)
        {
            _host.Queues.Enqueue(Queue, body);
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
        var deadByHandler = DeadLetteredByHandler() - deadBefore; // answered 200 after writing payments-poison itself
        var poisoned = deliveries.Count(d => d.Outcome == QueueDeliveryOutcome.Poisoned);
        var completed = deliveries.Count(d => d.Outcome == QueueDeliveryOutcome.Completed);
        var failed = deliveries.Count(d => d.Outcome != QueueDeliveryOutcome.Completed);
        return new QueueDrain(completed - deadByHandler, failed, deadByHandler + poisoned, _host.Queues.Messages(Queue).Count, elapsed, cpu) with { AllCpu = all };
    }

    public Task<QueueAccount?> AccountAsync(string account, CancellationToken cancellationToken) =>
        QueueHostKit.ReadAccountAsync(_client, account, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
    }

    private int DeadLetteredByHandler() => _host.HandlerLogs.Count(l => DeadLettered().IsMatch(l));

    /// <summary>A child of this process whose command line mentions <paramref name="marker"/> and that no earlier run took (the emulator keeps its handler's id to itself).</summary>
    private static int? ChildProcess(string marker)
    {
        var self = Environment.ProcessId;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var parent = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                if (parent == self && File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker, StringComparison.Ordinal))
                {
                    lock (Claimed)
                    {
                        if (Claimed.Add(pid))
                        {
                            return pid; // not another run's handler
                        }
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // gone, or not ours
            }
        }

        return null;
    }

    [GeneratedRegex(@"^Message \S+ dead-lettered by ledger-writer: ", RegexOptions.Singleline)]
    private static partial Regex DeadLettered();
}

/// <summary>
/// Cloud Run fed by a Pub/Sub push subscription: src/Gcp's Portable.Gcp with <c>PORT</c> set, the push emulator
/// posting one wrapped envelope per message to <c>/ledger-writer</c>, one at a time (its delivery is serial).
/// State in the process (in-memory) or in PostgreSQL (<c>PORTABLE_POSTGRES_CONNECTION</c>, a table per run).
/// Balances from the same service's <c>GET /accounts/{account}</c>.
/// </summary>
internal sealed class GcpQueueRun : IQueueHostRun
{
    private const string Topic = "payments";
    private const string DeadLetterTopic = "payments-dead-letter";
    private readonly PubSubPushEmulator _emulator;
    private readonly HostProcess _host;
    private readonly HttpClient _client;

    private GcpQueueRun(PubSubPushEmulator emulator, HostProcess host, HttpClient client)
    {
        _emulator = emulator;
        _host = host;
        _client = client;
    }

    public int ProcessId => _host.ProcessId;

    public string? UnreadableBecause => null;

    public string Tail => _host.Tail;

    /// <param name="postgres">The connection string and table, or null for the in-memory store.</param>
    public static async Task<IQueueHostRun> StartAsync(string repoRoot, (string Connection, string Table)? postgres, BenchmarkOptions options, CancellationToken cancellationToken)
    {
        var port = QueueHostKit.FreePort();
        var emulator = await PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = Topic,
            PushEndpoint = new Uri($"http://127.0.0.1:{port}/ledger-writer"),
            DeadLetterTopic = DeadLetterTopic,
        }, cancellationToken);
        HostProcess? host = null;
        try
        {
            var environment = QueueHostKit.BaseEnvironment(options);
            environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
            environment["PUBSUB_EMULATOR_HOST"] = emulator.EmulatorHost;
            environment["GOOGLE_CLOUD_PROJECT"] = "local-project";
            if (postgres is { } p)
            {
                environment["PORTABLE_POSTGRES_CONNECTION"] = p.Connection;
                environment["PORTABLE_POSTGRES_TABLE"] = p.Table;
            }

            host = HostProcess.Start(QueueHostKit.BuildOutput(repoRoot, "src/Gcp", "Portable.Gcp"), environment);
            var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = QueueHostKit.Patience };
            try
            {
                await QueueHostKit.WaitUntilAnsweringAsync(client, host, "Portable.Gcp", cancellationToken);
            }
            catch
            {
                client.Dispose();
                throw;
            }

            return new GcpQueueRun(emulator, host, client);
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await emulator.DisposeAsync();
            throw;
        }
    }

    public Task EnqueueAsync(IReadOnlyList<string> bodies, CancellationToken cancellationToken)
    {
        foreach (var body in bodies)
        {
            _emulator.Publish(Topic, Encoding.UTF8.GetBytes(body));
        }

        return Task.CompletedTask;
    }

    public async Task<QueueDrain> DrainAsync(int expected, CancellationToken cancellationToken)
    {
        var deadBefore = _emulator.Messages(DeadLetterTopic).Count;
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
        var dead = _emulator.Messages(DeadLetterTopic).Count - deadBefore; // published by the host (it then acks) or forwarded by Pub/Sub
        var forwarded = forwardedByPubSub; // not acked: after the last allowed attempt failed
        return new QueueDrain(acked - (dead - forwarded), failed, dead, _emulator.PendingCount, elapsed, cpu) with { AllCpu = all };
    }

    public Task<QueueAccount?> AccountAsync(string account, CancellationToken cancellationToken) =>
        QueueHostKit.ReadAccountAsync(_client, account, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _host.DisposeAsync();
        await _emulator.DisposeAsync();
    }
}
