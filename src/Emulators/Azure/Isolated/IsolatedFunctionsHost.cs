using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Google.Protobuf.WellKnownTypes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Emulators.Azure.Durable;
using Portable.Emulators.Azure.Isolated.Rpc;
using Portable.Emulators.Processes;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// Behaves like the Azure Functions host for a .NET isolated worker, over the host⇄worker gRPC protocol (protocol
/// digest ../shared/protocols/azure-isolated.md): serves <c>FunctionRpc</c> on a loopback h2c port, starts the worker
/// as the host does (<c>dotnet &lt;app&gt;.dll --functions-uri …</c> in the app folder), runs the handshake, asks the worker
/// for its functions and loads each, then invokes them concurrently (replies matched by invocation id) from a
/// loopback HTTP front door routed by each <c>httpTrigger</c>, from emulated Storage queues, from timers, or directly.
/// An app with Durable functions gets a task hub (<see cref="Durable"/>), as the Durable extension gives the host one.
/// Every <c>RpcLog</c> is kept. Dispose it to send <c>WorkerTerminate</c> and stop everything.
/// </summary>
public sealed partial class IsolatedFunctionsHost : IAsyncDisposable
{
    /// <summary>The worker runtime the host's app settings name (<c>FUNCTIONS_WORKER_RUNTIME</c>).</summary>
    public const string WorkerRuntime = "dotnet-isolated";

    // The host always passes int.MaxValue (RpcWorkerConstants.DefaultMaxMessageLengthBytes); the worker defaults to 0 and dies on its first send without it.
    private const string MaxMessageLength = "2147483647";

    private readonly IsolatedFunctionsHostOptions _options;
    private readonly string _appDirectory;
    private readonly string _workerId = Guid.NewGuid().ToString();
    private readonly WorkerChannel _channel;
    private readonly Lock _logGate = new();
    private readonly Lock _stopGate = new();
    private readonly List<WorkerLog> _logs = [];
    private readonly List<(Func<WorkerLog, bool> Predicate, TaskCompletionSource<WorkerLog> Found)> _logWaiters = [];
    private readonly Dictionary<string, DateTimeOffset> _lastTimerRuns = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<ITimer> _timers = [];
    private readonly Stopwatch _startClock = Stopwatch.StartNew();
    private Dictionary<string, WorkerFunction> _byName = new(StringComparer.OrdinalIgnoreCase);
    private FunctionRouteTable _routes = new(string.Empty, []);
    private WebApplication? _grpcServer;
    private WebApplication? _frontDoor;
    private ChildProcess? _process;
    private int _stopping;
    private int? _exitCode;
    private bool _disposed;
    private Task<int?>? _stop;

    private IsolatedFunctionsHost(IsolatedFunctionsHostOptions options, string appDirectory)
    {
        _options = options;
        _appDirectory = appDirectory;
        _channel = new WorkerChannel(_workerId, OnRpcLog);
        _channel.SetClosedError(() => new WorkerProcessException(
            _stopping == 1 ? "The host is stopping the worker." : _process?.HasExited == true ? "The worker exited." : "The worker closed its stream.",
            _process?.Output ?? string.Empty,
            _process?.ExitCode));
        RoutePrefix = options.RoutePrefix?.Trim('/') ?? ReadRoutePrefix(appDirectory);
    }

    /// <summary>The app folder (full path), the worker's working directory and script root.</summary>
    public string AppDirectory => _appDirectory;

    /// <summary>The worker id passed to the worker (<c>--functions-worker-id</c>) and expected in its <c>StartStream</c>.</summary>
    public string WorkerId => _workerId;

    /// <summary>The emulator's gRPC server (<c>http://127.0.0.1:{port}/</c>, HTTP/2 cleartext): <c>FunctionRpc</c> and any services mapped by <see cref="IsolatedFunctionsHostOptions.MapGrpcEndpoints"/>.</summary>
    public Uri GrpcAddress { get; private set; } = null!;

    /// <summary>The HTTP front door (<c>http://127.0.0.1:{port}/</c>); routes live under <see cref="RoutePrefix"/>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The route prefix in use, without slashes (empty: routes at the root).</summary>
    public string RoutePrefix { get; }

    /// <summary>The functions the worker reported, in its order.</summary>
    public IReadOnlyList<WorkerFunction> Functions { get; private set; } = [];

    /// <summary>The capabilities the worker announced in its <c>WorkerInitResponse</c> (e.g. <c>RpcHttpBodyOnly</c>: <c>True</c>).</summary>
    public IReadOnlyDictionary<string, string> WorkerCapabilities { get; private set; } = new Dictionary<string, string>();

    /// <summary>The worker's version (<c>WorkerInitResponse.worker_version</c>, e.g. <c>2.52.0.0</c>).</summary>
    public string WorkerVersion { get; private set; } = string.Empty;

    /// <summary>The in-memory Storage queues behind the <c>queueTrigger</c> functions, and where <c>queue</c> outputs land.</summary>
    public EmulatedStorageQueues Queues { get; private set; } = null!;

    /// <summary>Every log the worker has sent, in arrival order.</summary>
    public IReadOnlyList<WorkerLog> Logs
    {
        get
        {
            lock (_logGate)
            {
                return [.. _logs];
            }
        }
    }

    /// <summary>The worker process.</summary>
    public ChildProcess? WorkerProcess => _process;

    /// <summary>
    /// <see cref="Stopwatch.GetTimestamp"/> just before the worker process was started (0 before that), after the
    /// emulator's servers: <c>Stopwatch.GetElapsedTime(WorkerStartedTimestamp)</c> is the worker's age, e.g. its
    /// cold start when read at its first answer.
    /// </summary>
    public long WorkerStartedTimestamp { get; private set; }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the last <c>FunctionLoadResponse</c> had arrived and the functions were routed (0 before that).</summary>
    public long FunctionsLoadedTimestamp { get; private set; }

    /// <summary>The worker's latest stdout and stderr lines (a .NET worker prints nothing there unless it crashes).</summary>
    public string WorkerOutput => _process?.Output ?? string.Empty;

    /// <summary>The worker's exit code once it has exited (0 after a clean <c>WorkerTerminate</c>).</summary>
    public int? ExitCode => _disposed ? _exitCode : _process?.ExitCode;

    /// <summary>
    /// Starts the gRPC server and the HTTP front door, then the worker, runs the handshake, and indexes and loads the
    /// functions (the front door routes to them once they are loaded, before this returns). A worker that cannot start, exits, crashes, fails to load a function or does not get there within
    /// <see cref="IsolatedFunctionsHostOptions.StartupTimeout"/> is a <see cref="WorkerProcessException"/> with its
    /// exit code and last output.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The app folder does not exist.</exception>
    /// <exception cref="InvalidDataException">It has no valid <c>worker.config.json</c>.</exception>
    /// <exception cref="WorkerProcessException">The worker did not become ready.</exception>
    public static async Task<IsolatedFunctionsHost> StartAsync(IsolatedFunctionsHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.AppDirectory);
        var directory = Path.GetFullPath(options.AppDirectory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The app folder {directory} does not exist: build the worker app first.");
        }

        var host = new IsolatedFunctionsHost(options, directory);
        try
        {
            // Both servers are up before the worker starts, as the host's are: the worker's start-up
            // (WorkerStartedTimestamp → FunctionsLoadedTimestamp) holds none of the emulator's own.
            await host.StartGrpcServerAsync(cancellationToken).ConfigureAwait(false);
            await host.StartFrontDoorAsync(cancellationToken).ConfigureAwait(false);
            host.StartWorker();
            await host.HandshakeAsync(cancellationToken).ConfigureAwait(false);
            await host.IndexAndLoadAsync(cancellationToken).ConfigureAwait(false);
            host.FunctionsLoadedTimestamp = Stopwatch.GetTimestamp();
            host.StartTimerSchedules();
            host.StartBlobPolling();
            return host;
        }
        catch
        {
            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An <see cref="HttpClient"/> on the front door, as a caller on the internet would use it.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    /// <summary>The function called <paramref name="name"/> (case-insensitive, as the host treats names), or null.</summary>
    public WorkerFunction? FindFunction(string name) => _byName.GetValueOrDefault(name);

    /// <summary>
    /// Invokes a function directly, as a host extension does for its own triggers: <paramref name="triggerValue"/> goes
    /// to the worker as <c>TypedData.string</c> under the function's trigger binding name, each
    /// <paramref name="metadata"/> entry as a <c>TypedData.string</c> trigger-metadata entry, and each other input
    /// binding gets <see cref="IsolatedFunctionsHostOptions.InputBindingValue"/>'s value. Many may run at once.
    /// A failed invocation is returned, not thrown. When <paramref name="cancellationToken"/> fires the worker gets
    /// an <c>InvocationCancel</c> and its answer is returned; if none comes within
    /// <see cref="IsolatedFunctionsHostOptions.CancellationGracePeriod"/> the call throws <see cref="OperationCanceledException"/>.
    /// On success the function's <c>queue</c> outputs are enqueued on <see cref="Queues"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No such function.</exception>
    /// <exception cref="WorkerProcessException">The worker is gone.</exception>
    public async Task<WorkerInvocationResult> InvokeAsync(string functionName, string triggerValue, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(triggerValue);
        var function = Function(functionName);
        var entries = (metadata ?? new Dictionary<string, string>()).Select(e => KeyValuePair.Create(e.Key, TypedDataText.String(e.Value)));
        var (id, response) = await InvokeCoreAsync(function, TypedDataText.String(triggerValue), entries, cancellationToken).ConfigureAwait(false);
        return ToResult(id, response);
    }

    /// <summary>
    /// Fires a <c>timerTrigger</c> function now, as the host's timer listener does: the trigger is the TimerInfo JSON
    /// (<c>{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last","Next","LastUpdated"},"IsPastDue"}</c>, digest
    /// §3.4) with <c>Next</c> from the function's schedule and <c>Last</c> the previous run through this host (none
    /// yet: <c>0001-01-01T00:00:00</c>), and the binding data <c>TimerTrigger</c> is the local time as text.
    /// </summary>
    /// <exception cref="ArgumentException">No such function, or it is not timer-triggered.</exception>
    /// <exception cref="WorkerProcessException">The worker is gone.</exception>
    public async Task<WorkerInvocationResult> FireTimerAsync(string functionName, bool isPastDue = false, CancellationToken cancellationToken = default)
    {
        var function = Function(functionName);
        var schedule = TimerScheduleOf(function);
        var now = _options.TimeProvider.GetUtcNow();
        DateTimeOffset last;
        lock (_lastTimerRuns)
        {
            last = _lastTimerRuns.GetValueOrDefault(function.Name, DateTimeOffset.MinValue);
            _lastTimerRuns[function.Name] = now;
        }

        var timerInfo = new JsonObject
        {
            ["Schedule"] = new JsonObject { ["AdjustForDST"] = true },
            ["ScheduleStatus"] = new JsonObject
            {
                ["Last"] = Timestamp(last),
                ["Next"] = Timestamp(schedule.Next(now)),
                ["LastUpdated"] = Timestamp(now),
            },
            ["IsPastDue"] = isPastDue,
        };
        var metadata = new[] { KeyValuePair.Create("TimerTrigger", TypedDataText.String(_options.TimeProvider.GetLocalNow().DateTime.ToString(CultureInfo.InvariantCulture))) };
        var (id, response) = await InvokeCoreAsync(function, TypedDataText.Json(timerInfo.ToJsonString()), metadata, cancellationToken).ConfigureAwait(false);
        return ToResult(id, response);
    }

    /// <summary>The logs of one invocation, in arrival order.</summary>
    public IReadOnlyList<WorkerLog> LogsOf(string invocationId) => [.. Logs.Where(l => l.InvocationId == invocationId)];

    /// <summary>Waits until the worker has sent a log matching <paramref name="predicate"/> (one already kept, or a new one), and returns it.</summary>
    /// <exception cref="TimeoutException">None came within <paramref name="timeout"/>.</exception>
    public async Task<WorkerLog> WaitForLogAsync(Func<WorkerLog, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var found = new TaskCompletionSource<WorkerLog>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_logGate)
        {
            if (_logs.FirstOrDefault(predicate) is { } kept)
            {
                return kept;
            }

            _logWaiters.Add((predicate, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"The worker sent no such log within {timeout.TotalSeconds:0.#} s. Its logs:{System.Environment.NewLine}{string.Join(System.Environment.NewLine, Logs)}", ex);
        }
        finally
        {
            lock (_logGate)
            {
                _logWaiters.RemoveAll(w => w.Found == found);
            }
        }
    }

    /// <summary>Sends a <c>WorkerStatusRequest</c> (the host's latency probe) and returns how long the worker took to answer.</summary>
    /// <exception cref="WorkerProcessException">The worker is gone.</exception>
    public async Task<TimeSpan> PingAsync(CancellationToken cancellationToken = default)
    {
        var requestId = Guid.NewGuid().ToString();
        var clock = Stopwatch.StartNew();
        await _channel.RequestAsync(WorkerChannel.Keys.Status(requestId), new StreamingMessage { RequestId = requestId, WorkerStatusRequest = new WorkerStatusRequest() })
            .WaitAsync(cancellationToken).ConfigureAwait(false);
        return clock.Elapsed;
    }

    /// <summary>
    /// Stops the worker as the host does: <c>WorkerTerminate{grace_period}</c>, then waits the grace period for the
    /// process to exit and kills it if it has not; then stops the servers. Returns the exit code (null if the worker
    /// never started). Later calls return the same.
    /// </summary>
    public Task<int?> StopAsync()
    {
        lock (_stopGate)
        {
            return _stop ??= StopOnceAsync();
        }
    }

    /// <summary>Stops the worker (<see cref="StopAsync"/>) and releases the servers and the process.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        if (_frontDoor is not null)
        {
            await _frontDoor.DisposeAsync().ConfigureAwait(false);
        }

        if (_grpcServer is not null)
        {
            await _grpcServer.DisposeAsync().ConfigureAwait(false);
        }

        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
        }

        _disposed = true;
    }

    private async Task<int?> StopOnceAsync()
    {
        Volatile.Write(ref _stopping, 1);
        foreach (var timer in _timers)
        {
            await timer.DisposeAsync().ConfigureAwait(false);
        }

        await StopBlobPollingAsync().ConfigureAwait(false);

        await StopDurableAsync().ConfigureAwait(false);

        if (_process is { HasExited: false } process)
        {
            try
            {
                if (!_channel.Connected.IsCompleted || _channel.Closed.IsCompleted)
                {
                    throw new ChildProcessException("The worker has no stream to send WorkerTerminate on.", string.Empty);
                }

                _channel.Send(new StreamingMessage { WorkerTerminate = new WorkerTerminate { GracePeriod = Duration.FromTimeSpan(_options.ShutdownGracePeriod) } });
                await process.WaitForExitAsync(_options.ShutdownGracePeriod).ConfigureAwait(false);

                // The process is gone, but what it wrote last may still be in the stream: read it to the end, so
                // its shutdown logs are kept, before closing from this side.
                await _channel.Closed.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // the stream did not end with the process: closed below all the same
            }
            catch (ChildProcessException)
            {
                process.Kill(); // not connected, or it did not go within the grace period
                await process.WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }
        }

        _channel.Close();
        await StopServerAsync(_frontDoor).ConfigureAwait(false);
        await StopServerAsync(_grpcServer).ConfigureAwait(false);
        _exitCode = _process?.ExitCode;
        return _exitCode;
    }

    private async Task StartGrpcServerAsync(CancellationToken cancellationToken)
    {
        var app = LoopbackServer.Create(
            "Portable.Emulators.IsolatedFunctionsHost.Grpc",
            kestrel: k =>
            {
                // The worker's stream lives as long as the worker: no body size or data-rate limit on it.
                k.Limits.MaxRequestBodySize = null;
                k.Limits.MinRequestBodyDataRate = null;
            },
            protocols: HttpProtocols.Http2,
            services: services =>
            {
                services.AddGrpc(o =>
                {
                    o.MaxReceiveMessageSize = null;
                    o.MaxSendMessageSize = null;
                    o.EnableDetailedErrors = true;
                });
                services.AddSingleton(_channel);
                AddDurableServices(services, this);
                _options.ConfigureGrpcServices?.Invoke(services);
            });
        app.MapGrpcService<FunctionRpcService>();
        app.MapDurableTaskHub();
        _options.MapGrpcEndpoints?.Invoke(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _grpcServer = app;
        GrpcAddress = LoopbackServer.BaseAddress(app);
    }

    // The host's command line: "<exe> <arguments> <workerPath> <workerArguments>", then both argument styles
    // (RpcWorkerContext); the 2.52 worker reads only the --functions-* ones (digest §1).
    private void StartWorker()
    {
        var configPath = Path.Combine(_appDirectory, "worker.config.json");
        if (!File.Exists(configPath))
        {
            throw new InvalidDataException($"{_appDirectory} is not an isolated worker app: it has no worker.config.json (the Worker SDK writes it on build).");
        }

        var description = FunctionsScriptRoot.ParseObject(configPath)["description"] as JsonObject
            ?? throw new InvalidDataException($"{configPath} has no description.");
        var executable = FunctionsScriptRoot.Text(description["defaultExecutablePath"]) ?? "dotnet";
        var workerPath = FunctionsScriptRoot.Text(description["defaultWorkerPath"])
            ?? throw new InvalidDataException($"{configPath}: description.defaultWorkerPath is required.");
        var port = GrpcAddress.Port.ToString(CultureInfo.InvariantCulture);
        var requestId = Guid.NewGuid().ToString();
        var arguments = new List<string>();
        arguments.AddRange(Strings(description["arguments"]));
        arguments.Add(Path.GetFullPath(Path.Combine(_appDirectory, workerPath)));
        arguments.AddRange(Strings(description["workerArguments"]));
        arguments.AddRange([
            "--host", "127.0.0.1", "--port", port, "--workerId", _workerId, "--requestId", requestId, "--grpcMaxMessageLength", MaxMessageLength,
            "--functions-uri", GrpcAddress.ToString(), "--functions-worker-id", _workerId, "--functions-request-id", requestId,
            "--functions-grpc-max-message-length", MaxMessageLength,
        ]);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["FUNCTIONS_WORKER_RUNTIME"] = WorkerRuntime,
            ["AzureWebJobsScriptRoot"] = _appDirectory,
            ["FUNCTIONS_WORKER_DIRECTORY"] = _appDirectory,
            ["FUNCTIONS_APPLICATION_DIRECTORY"] = _appDirectory,
        };
        foreach (var (name, value) in _options.Environment)
        {
            environment[name] = value;
        }

        try
        {
            WorkerStartedTimestamp = Stopwatch.GetTimestamp();
            _process = ChildProcess.Start(new ChildProcessOptions
            {
                FileName = executable == "dotnet" ? ChildProcess.DotnetHost : executable,
                Arguments = arguments,
                WorkingDirectory = _appDirectory,
                Environment = environment,
                Name = "The isolated worker",
            });
        }
        catch (ChildProcessException ex)
        {
            throw new WorkerProcessException(ex.Summary, string.Empty, innerException: ex);
        }
    }

    private async Task HandshakeAsync(CancellationToken cancellationToken)
    {
        await StartStepAsync("connected to the host (StartStream)", _channel.Connected.ContinueWith(_ => true, TaskScheduler.Default), cancellationToken).ConfigureAwait(false);
        var init = new WorkerInitRequest
        {
            HostVersion = _options.HostVersion,
            WorkerDirectory = _appDirectory,
            FunctionAppDirectory = _appDirectory,
        };
        init.Capabilities["MultiStream"] = "10"; // what the host offers (GrpcWorkerChannel)
        var reply = await StartStepAsync("answering WorkerInitRequest", _channel.RequestAsync(WorkerChannel.Keys.Init, new StreamingMessage { WorkerInitRequest = init }), cancellationToken).ConfigureAwait(false);
        var response = reply.WorkerInitResponse;
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            throw Fail($"The worker failed its initialisation: {Describe(response.Result)}");
        }

        WorkerCapabilities = new Dictionary<string, string>(response.Capabilities, StringComparer.Ordinal);
        WorkerVersion = response.WorkerVersion;
    }

    private async Task IndexAndLoadAsync(CancellationToken cancellationToken)
    {
        var reply = await StartStepAsync(
            "answering FunctionsMetadataRequest",
            _channel.RequestAsync(WorkerChannel.Keys.Metadata, new StreamingMessage { FunctionsMetadataRequest = new FunctionsMetadataRequest { FunctionAppDirectory = _appDirectory } }),
            cancellationToken).ConfigureAwait(false);
        var response = reply.FunctionMetadataResponse;
        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            throw Fail($"The worker could not index its functions: {Describe(response.Result)}");
        }

        if (response.UseDefaultMetadataIndexing)
        {
            throw Fail("The worker asked the host to index functions.metadata itself (use_default_metadata_indexing); the emulator serves worker indexing only.");
        }

        var functions = new List<WorkerFunction>();
        var scriptFunctions = new List<ScriptFunction>();
        var loads = new List<(RpcFunctionMetadata Metadata, Task<StreamingMessage> Reply)>();
        foreach (var metadata in response.FunctionMetadataResults)
        {
            var raw = metadata.RawBindings.Select(b => FunctionsScriptRoot.ParseObjectText(b, $"A raw binding of '{metadata.Name}'")).ToList();
            var script = ScriptFunction.Parse(metadata.Name, new JsonObject { ["bindings"] = new JsonArray([.. raw.Select(b => b.DeepClone())]) }, $"The worker's metadata for '{metadata.Name}'");
            scriptFunctions.Add(script);
            functions.Add(new WorkerFunction
            {
                Name = metadata.Name,
                FunctionId = metadata.FunctionId,
                ScriptFile = metadata.ScriptFile,
                EntryPoint = metadata.EntryPoint,
                Language = metadata.Language,
                RawBindings = [.. metadata.RawBindings],
                Bindings = script.Bindings,
                Properties = new Dictionary<string, string>(metadata.Properties, StringComparer.Ordinal),
                HttpTrigger = script.HttpTrigger,
            });
            var load = new FunctionLoadRequest { FunctionId = metadata.FunctionId, Metadata = LoadMetadata(metadata, raw) };
            loads.Add((metadata, _channel.RequestAsync(WorkerChannel.Keys.Load(metadata.FunctionId), new StreamingMessage { FunctionLoadRequest = load })));
        }

        await StartStepAsync("answering every FunctionLoadRequest", Task.WhenAll(loads.Select(l => l.Reply)), cancellationToken).ConfigureAwait(false);
        var failed = loads.Where(l => l.Reply.Result.FunctionLoadResponse.Result?.Status != StatusResult.Types.Status.Success).ToList();
        if (failed.Count > 0)
        {
            throw Fail($"The worker could not load {string.Join("; ", failed.Select(l => $"'{l.Metadata.Name}': {Describe(l.Reply.Result.FunctionLoadResponse.Result)}"))}");
        }

        Functions = functions;
        _byName = functions.ToDictionary(f => f.Name, StringComparer.OrdinalIgnoreCase);
        _routes = new FunctionRouteTable(RoutePrefix, scriptFunctions);
        Queues = new EmulatedStorageQueues(scriptFunctions, _options.QueueProfile, _options.TimeProvider, DeliverQueueMessageAsync, _options.QueueBatchSize, _options.QueueDuplicateDeliveryRate, _options.QueueRandomSeed);
        CreateDurableHubIfUsed();
        foreach (var function in functions.Where(f => IsTimer(f)))
        {
            TimerScheduleOf(function); // a bad schedule fails the start, as it fails the host's indexing
        }
    }

    // What the host sends in FunctionLoadRequest.metadata (GrpcWorkerChannel): the bindings from the raw ones, with
    // their directions ("$return" and named outputs must be out, or the worker loses them) and data types.
    private static RpcFunctionMetadata LoadMetadata(RpcFunctionMetadata reported, List<JsonObject> rawBindings)
    {
        var metadata = new RpcFunctionMetadata
        {
            Name = reported.Name,
            Directory = reported.Directory,
            ScriptFile = reported.ScriptFile,
            EntryPoint = reported.EntryPoint,
            Language = reported.Language,
            FunctionId = reported.FunctionId,
            IsProxy = false,
        };
        metadata.Properties.Add(reported.Properties);
        foreach (var raw in rawBindings)
        {
            var info = new BindingInfo
            {
                Type = FunctionsScriptRoot.Text(raw["type"]) ?? string.Empty,
                Direction = (FunctionsScriptRoot.Text(raw["direction"]) ?? "in").ToUpperInvariant() switch
                {
                    "OUT" => BindingInfo.Types.Direction.Out,
                    "INOUT" => BindingInfo.Types.Direction.Inout,
                    _ => BindingInfo.Types.Direction.In,
                },
                DataType = (FunctionsScriptRoot.Text(raw["dataType"]) ?? string.Empty).ToUpperInvariant() switch
                {
                    "STRING" => BindingInfo.Types.DataType.String,
                    "BINARY" => BindingInfo.Types.DataType.Binary,
                    "STREAM" => BindingInfo.Types.DataType.Stream,
                    _ => BindingInfo.Types.DataType.Undefined,
                },
            };
            if (raw["properties"] is JsonObject properties)
            {
                foreach (var (name, value) in properties)
                {
                    info.Properties[name] = value is JsonValue v && v.TryGetValue<string>(out var text) ? text : value?.ToJsonString() ?? string.Empty;
                }
            }

            metadata.Bindings[FunctionsScriptRoot.Text(raw["name"]) ?? string.Empty] = info;
        }

        return metadata;
    }

    private async Task StartFrontDoorAsync(CancellationToken cancellationToken)
    {
        // No body limit in Kestrel: HandleHttpAsync enforces MaxRequestBodyBytes (100 MB) with the host's answer.
        var app = LoopbackServer.Create("Portable.Emulators.IsolatedFunctionsHost", kestrel: k => k.Limits.MaxRequestBodySize = null);
        app.Run(HandleHttpAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _frontDoor = app;
        BaseAddress = LoopbackServer.BaseAddress(app);
    }

    private void StartTimerSchedules()
    {
        if (!_options.RunTimerSchedules)
        {
            return;
        }

        foreach (var function in Functions.Where(IsTimer))
        {
            var schedule = TimerScheduleOf(function);
            ITimer? timer = null;
            timer = _options.TimeProvider.CreateTimer(
                _ =>
                {
                    // Reschedule first, so a slow invocation does not delay the next occurrence.
                    var now = _options.TimeProvider.GetUtcNow();
                    timer!.Change(schedule.Next(now) - now, Timeout.InfiniteTimeSpan);
                    _ = FireScheduledAsync(function.Name);
                },
                null,
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
            _timers.Add(timer);
            var start = _options.TimeProvider.GetUtcNow();
            timer.Change(schedule.Next(start) - start, Timeout.InfiniteTimeSpan);
        }
    }

    private async Task FireScheduledAsync(string functionName)
    {
        try
        {
            await FireTimerAsync(functionName).ConfigureAwait(false);
        }
        catch (WorkerProcessException)
        {
            // the worker is gone or stopping: the next occurrence finds it so too; its logs say why
        }
    }

    private async Task HandleHttpAsync(HttpContext context)
    {
        var request = context.Request;
        var path = (request.PathBase + request.Path).ToUriComponent();
        var match = _routes.Match(request.Method, path);
        if (match is null)
        {
            context.Response.StatusCode = _options.MethodNotAllowedFor405 && _routes.MatchesPath(path)
                ? StatusCodes.Status405MethodNotAllowed
                : StatusCodes.Status404NotFound; // the host's empty 404
            return;
        }

        var function = _byName[match.Function.Name];
        var body = await ReadBodyAsync(request, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            // Over maxRequestLength: binding 'req' fails, the worker is never invoked, the caller gets the host's empty 500.
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        var (http, metadata) = RpcHttpMessages.Request(request, body, match.Values);
        InvocationResponse response;
        var callerGone = new CancellationTokenSource();
        var registration = context.RequestAborted.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), callerGone);
        var invocation = InvokeCoreAsync(function, new TypedData { Http = http }, metadata, callerGone.Token);
        try
        {
            (_, response) = await invocation.WaitAsync(_options.HttpResponseTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // The load balancer's idle timeout: the caller gets an empty 502 [body unverified], the function keeps running.
            await registration.DisposeAsync().ConfigureAwait(false);
            _ = FinishDetachedAsync(invocation, callerGone);
            context.Response.StatusCode = StatusCodes.Status502BadGateway;
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return; // the caller went away
        }
        catch (WorkerProcessException)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }
        finally
        {
            if (invocation.IsCompleted)
            {
                await registration.DisposeAsync().ConfigureAwait(false);
                callerGone.Dispose();
            }
        }

        if (response.Result?.Status != StatusResult.Types.Status.Success)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError; // the host's answer to a failed invocation: an empty 500
            return;
        }

        var output = function.Bindings.FirstOrDefault(b => b.IsOutput && b.Type.Equals("http", StringComparison.OrdinalIgnoreCase))?.Name;
        var value = output is null ? null : Output(response, output);
        await RpcHttpMessages.WriteResponseAsync(context.Response, value, context.RequestAborted).ConfigureAwait(false);
    }

    // An HTTP invocation the caller no longer waits for (past HttpResponseTimeout): it runs to its end, outputs and all.
    private static async Task FinishDetachedAsync(Task invocation, CancellationTokenSource callerGone)
    {
        try
        {
            await invocation.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WorkerProcessException or OperationCanceledException)
        {
            // nobody is waiting for it any more; the worker's logs say what happened
        }
        finally
        {
            callerGone.Dispose();
        }
    }

    // The whole body, or null once it passes maxBytes (by Content-Length before reading, or while reading a chunked one).
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var scratch = new byte[64 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(scratch, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(scratch, 0, read);
        }

        return buffer.ToArray();
    }

    // A queue message as the host's queue trigger hands it over (digest §3.3): the text as TypedData.string, and the
    // binding data QueueTrigger, DequeueCount (json), Id, InsertionTime/ExpirationTime/NextVisibleTime (json strings),
    // PopReceipt, plus a JSON object body's top-level fields.
    private async Task<QueueInvocationOutcome> DeliverQueueMessageAsync(string functionName, string binding, EmulatedQueueMessage message, CancellationToken cancellationToken)
    {
        // Binding data names are case-insensitive (the worker keys them so, and fails on two that differ by case): a
        // body field such as an event's "id" gives way to the trigger's own Id, set below, as the host's contract wins.
        var metadata = new Dictionary<string, TypedData>(StringComparer.OrdinalIgnoreCase);
        if (message.Text.TrimStart().StartsWith('{'))
        {
            try
            {
                if (JsonNode.Parse(message.Text) is JsonObject json)
                {
                    foreach (var (name, value) in json.Where(p => p.Value is not JsonArray))
                    {
                        metadata[name] = value is JsonValue v && v.TryGetValue<string>(out var text) ? TypedDataText.String(text) : TypedDataText.Json(value?.ToJsonString() ?? "null");
                    }
                }
            }
            catch (System.Text.Json.JsonException)
            {
                // not JSON after all: no fields to add
            }
        }

        metadata["QueueTrigger"] = TypedDataText.String(message.Text);
        metadata["DequeueCount"] = TypedDataText.Json(message.DequeueCount.ToString(CultureInfo.InvariantCulture));
        metadata["Id"] = TypedDataText.String(message.Id);
        metadata["InsertionTime"] = TypedDataText.Json($"\"{EmulatedStorageQueues.Iso(message.InsertionTime)}\"");
        metadata["ExpirationTime"] = TypedDataText.Json($"\"{EmulatedStorageQueues.Iso(message.ExpirationTime)}\"");
        metadata["NextVisibleTime"] = TypedDataText.Json($"\"{EmulatedStorageQueues.Iso(message.NextVisibleTime)}\"");
        metadata["PopReceipt"] = TypedDataText.String(message.PopReceipt);
        var function = Function(functionName);
        try
        {
            var (_, response) = await InvokeCoreAsync(function, QueueTriggerData(function, message), metadata, cancellationToken).ConfigureAwait(false);
            return response.Result?.Status == StatusResult.Types.Status.Success
                ? new QueueInvocationOutcome(StatusCodes.Status200OK)
                : new QueueInvocationOutcome(StatusCodes.Status500InternalServerError, Describe(response.Result));
        }
        catch (WorkerProcessException ex)
        {
            return new QueueInvocationOutcome(0, ex.Summary);
        }
    }

    // A string (or POCO) parameter gets the text; a QueueMessage or BinaryData one (supportsDeferredBinding) gets
    // model_binding_data with the message as JSON, as the Storage Queues extension's converter builds it.
    private static TypedData QueueTriggerData(WorkerFunction function, EmulatedQueueMessage message)
    {
        var deferred = function.Trigger?.Properties["properties"] is JsonObject properties
            && string.Equals(properties["supportsDeferredBinding"]?.ToString(), "True", StringComparison.OrdinalIgnoreCase);
        if (!deferred)
        {
            return TypedDataText.String(message.Text);
        }

        var content = new JsonObject
        {
            ["MessageId"] = message.Id,
            ["PopReceipt"] = message.PopReceipt,
            ["MessageText"] = message.Text,
            ["DequeueCount"] = message.DequeueCount,
            ["NextVisibleOn"] = EmulatedStorageQueues.Iso(message.NextVisibleTime),
            ["InsertedOn"] = EmulatedStorageQueues.Iso(message.InsertionTime),
            ["ExpiresOn"] = EmulatedStorageQueues.Iso(message.ExpirationTime),
        };
        return new TypedData
        {
            ModelBindingData = new ModelBindingData
            {
                Version = "1.0",
                Source = "AzureStorageQueues",
                ContentType = "application/json",
                Content = Google.Protobuf.ByteString.CopyFromUtf8(content.ToJsonString()),
            },
        };
    }

    private async Task<(string InvocationId, InvocationResponse Response)> InvokeCoreAsync(
        WorkerFunction function, TypedData trigger, IEnumerable<KeyValuePair<string, TypedData>> metadata, CancellationToken cancellationToken)
    {
        var invocationId = Guid.NewGuid().ToString();
        var request = new InvocationRequest
        {
            InvocationId = invocationId,
            FunctionId = function.FunctionId,
            TraceContext = new RpcTraceContext { TraceParent = NewTraceParent() },
        };
        if (function.Trigger is { } binding)
        {
            request.InputData.Add(new ParameterBinding { Name = binding.Name, Data = trigger });
        }

        foreach (var input in function.Bindings.Where(b => !b.IsTrigger && b.IsInput && !b.IsOutput))
        {
            if ((_options.InputBindingValue?.Invoke(function.Name, input.Type) ?? DurableClientValue(input.Type)) is { } value)
            {
                request.InputData.Add(new ParameterBinding { Name = input.Name, Data = TypedDataText.String(value) });
            }
        }

        foreach (var (name, value) in metadata)
        {
            request.TriggerMetadata[name] = value;
        }

        var key = WorkerChannel.Keys.Invocation(invocationId);
        var reply = _channel.RequestAsync(key, new StreamingMessage { InvocationRequest = request });
        InvocationResponse response;
        try
        {
            response = (await reply.WaitAsync(cancellationToken).ConfigureAwait(false)).InvocationResponse;
        }
        catch (WorkerProcessException ex) when (ex.ExitCode is null && Volatile.Read(ref _stopping) == 0)
        {
            // The stream broke a moment before the process was seen to exit: report the exit code with it.
            await WaitBrieflyForExitAsync().ConfigureAwait(false);
            throw new WorkerProcessException($"Function '{function.Name}' could not be invoked: {ex.Summary}", WorkerOutput, _process?.ExitCode, ex);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !reply.IsCompleted)
        {
            // The host's answer to a cancelled invocation (HandlesInvocationCancelMessage): InvocationCancel, then the worker's reply.
            _channel.Send(new StreamingMessage { InvocationCancel = new InvocationCancel { InvocationId = invocationId, GracePeriod = Duration.FromTimeSpan(_options.CancellationGracePeriod) } });
            try
            {
                response = (await reply.WaitAsync(_options.CancellationGracePeriod, CancellationToken.None).ConfigureAwait(false)).InvocationResponse;
            }
            catch (TimeoutException)
            {
                _channel.Forget(key);
                throw new OperationCanceledException($"Function '{function.Name}' (invocation {invocationId}) was cancelled and the worker did not answer within {_options.CancellationGracePeriod.TotalSeconds:0.#} s.", cancellationToken);
            }
        }

        if (response.Result?.Status == StatusResult.Types.Status.Success)
        {
            EnqueueQueueOutputs(function, response);
        }

        return (invocationId, response);
    }

    // The host binds queue outputs only for a successful invocation; an array is one message per element.
    private void EnqueueQueueOutputs(WorkerFunction function, InvocationResponse response)
    {
        foreach (var binding in function.Bindings.Where(b => b.IsOutput && b.Type.Equals("queue", StringComparison.OrdinalIgnoreCase)))
        {
            if (FunctionsScriptRoot.Text(binding.Properties["queueName"]) is not { } queue)
            {
                continue;
            }

            foreach (var text in TypedDataText.Messages(Output(response, binding.Name)))
            {
                Queues.Enqueue(queue, text);
            }
        }
    }

    private static TypedData? Output(InvocationResponse response, string bindingName) =>
        bindingName == "$return" ? response.ReturnValue : response.OutputData.FirstOrDefault(o => o.Name == bindingName)?.Data;

    private static WorkerInvocationResult ToResult(string invocationId, InvocationResponse response)
    {
        var exception = response.Result?.Exception;
        return new WorkerInvocationResult
        {
            InvocationId = invocationId,
            Status = (WorkerInvocationStatus)(int)(response.Result?.Status ?? StatusResult.Types.Status.Failure),
            ReturnValue = TypedDataText.Text(response.ReturnValue),
            Outputs = response.OutputData.ToDictionary(o => o.Name, o => TypedDataText.Text(o.Data), StringComparer.Ordinal),
            ErrorType = NullIfEmpty(exception?.Type),
            ErrorMessage = NullIfEmpty(exception?.Message),
            ErrorStackTrace = NullIfEmpty(exception?.StackTrace),
        };
    }

    private WorkerFunction Function(string functionName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        return FindFunction(functionName)
            ?? throw new ArgumentException($"The worker reported no function '{functionName}'; it has {string.Join(", ", Functions.Select(f => f.Name))}.", nameof(functionName));
    }

    private static bool IsTimer(WorkerFunction function) => function.Trigger?.Type.Equals("timerTrigger", StringComparison.OrdinalIgnoreCase) == true;

    private TimerSchedule TimerScheduleOf(WorkerFunction function)
    {
        if (!IsTimer(function))
        {
            throw new ArgumentException($"Function '{function.Name}' is not timer-triggered.", nameof(function));
        }

        var text = FunctionsScriptRoot.Text(function.Trigger!.Properties["schedule"])
            ?? throw Fail($"Function '{function.Name}': its timerTrigger has no schedule.");
        if (text.Length > 2 && text[0] == '%' && text[^1] == '%')
        {
            // %Setting%: an app setting holds the schedule.
            var setting = text[1..^1];
            text = _options.Environment.GetValueOrDefault(setting) ?? System.Environment.GetEnvironmentVariable(setting)
                ?? throw Fail($"Function '{function.Name}': its schedule names app setting '{setting}', which is not set.");
        }

        try
        {
            return TimerSchedule.Parse(text);
        }
        catch (FormatException ex)
        {
            throw Fail($"Function '{function.Name}': {ex.Message}");
        }
    }

    // Bounds one start-up step by what is left of the start-up timeout, failing early (with the exit code and the
    // output) when the worker exits first.
    private async Task<T> StartStepAsync<T>(string what, Task<T> step, CancellationToken cancellationToken)
    {
        var process = _process!;
        var left = _options.StartupTimeout - _startClock.Elapsed;
        try
        {
            await process.WaitUntilAsync(what, token => step.WaitAsync(token), left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (ChildProcessException ex)
        {
            // A stream that closed under a step usually means the process is on its way out: give it a moment, for its exit code.
            await WaitBrieflyForExitAsync().ConfigureAwait(false);
            var summary = process.HasExited ? $"it exited before {what}"
                : step.IsFaulted ? $"it failed while {what}: {step.Exception?.InnerException?.Message}"
                : $"it was not {what} within the start-up timeout ({_options.StartupTimeout.TotalSeconds:0.#} s)";
            throw new WorkerProcessException($"The isolated worker did not start: {summary}.", process.Output, process.ExitCode, ex);
        }

        return await step.ConfigureAwait(false);
    }

    private async Task WaitBrieflyForExitAsync()
    {
        if (_process is { HasExited: false } process)
        {
            try
            {
                await process.WaitForExitAsync(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
            }
            catch (ChildProcessException)
            {
                // still running: reported as it is
            }
        }
    }

    private WorkerProcessException Fail(string message) => new(message, _process?.Output ?? string.Empty, _process?.ExitCode);

    private void OnRpcLog(RpcLog log)
    {
        var entry = new WorkerLog(
            NullIfEmpty(log.InvocationId),
            log.Category,
            (LogLevel)(int)log.Level,
            log.Message,
            NullIfEmpty(log.EventId),
            log.LogCategory == RpcLog.Types.RpcLogCategory.System,
            NullIfEmpty(log.Exception?.Type),
            NullIfEmpty(log.Exception?.Message));
        List<TaskCompletionSource<WorkerLog>>? matched = null;
        lock (_logGate)
        {
            _logs.Add(entry);
            foreach (var (predicate, found) in _logWaiters)
            {
                if (predicate(entry))
                {
                    (matched ??= []).Add(found);
                }
            }
        }

        foreach (var found in matched ?? [])
        {
            found.TrySetResult(entry);
        }

        _options.OnLog?.Invoke(entry);
    }

    private static string ReadRoutePrefix(string appDirectory)
    {
        var hostJson = Path.Combine(appDirectory, "host.json");
        if (!File.Exists(hostJson))
        {
            return "api";
        }

        var http = (FunctionsScriptRoot.ParseObject(hostJson)["extensions"] as JsonObject)?["http"] as JsonObject;
        return (FunctionsScriptRoot.Text(http?["routePrefix"]) ?? "api").Trim('/');
    }

    private static async Task StopServerAsync(WebApplication? server)
    {
        if (server is null)
        {
            return;
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await server.StopAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // connections that would not close in time are dropped
        }
    }

    private static string Describe(StatusResult? result) =>
        result?.Exception is { } ex ? $"{ex.Type}: {ex.Message}" : NullIfEmpty(result?.Result) ?? "no reason given";

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    private static IEnumerable<string> Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(FunctionsScriptRoot.Text).OfType<string>() : [];

    // The TimerInfo dates: ISO 8601 in UTC; the never-run Last as the default DateTime Newtonsoft writes.
    private static string Timestamp(DateTimeOffset time) =>
        time == DateTimeOffset.MinValue ? "0001-01-01T00:00:00" : time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static string NewTraceParent() =>
        $"00-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16))}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}-01";
}
