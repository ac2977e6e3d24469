using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portable.Emulators.Processes;

namespace Portable.Emulators.Azure;

/// <summary>
/// Behaves like the Azure Functions host for a custom handler, from the documented protocol (protocols README §1c):
/// reads the app folder, starts the handler on a free port with <c>FUNCTIONS_CUSTOMHANDLER_PORT</c>, waits until
/// <c>GET /</c> gets any answer, and serves a public front door on a loopback port that routes by each
/// function.json's <c>httpTrigger</c> and then forwards the request (forwarding mode) or sends a payload-mode
/// invocation. Dispose it to stop the front door and kill the handler.
/// </summary>
public sealed class FunctionsHostEmulator : IAsyncDisposable
{
    /// <summary>The invocation-id header the host adds to every request to the handler.</summary>
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";

    /// <summary>The host-version header the host adds to every request to the handler.</summary>
    public const string HostVersionHeader = "X-Azure-Functions-HostVersion";

    // Hop-by-hop and framing headers: each hop writes its own.
    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Upgrade", "Proxy-Connection", "TE", "Trailer",
    };

    private readonly FunctionsHostEmulatorOptions _options;
    private readonly HttpClient _handlerClient;
    private readonly ConcurrentQueue<string> _handlerLogs = new();
    private ChildProcess? _process;
    private WebApplication? _frontDoor;

    private FunctionsHostEmulator(FunctionsHostEmulatorOptions options, FunctionsScriptRoot scriptRoot, Uri handlerAddress)
    {
        _options = options;
        ScriptRoot = scriptRoot;
        HandlerAddress = handlerAddress;
        ForwardsHttpRequests = options.ForwardHttpRequests ?? scriptRoot.EnableForwardingHttpRequest;
        // As the host's client: no redirects followed, no cookie container; no timeout without functionTimeout.
        _handlerClient = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, AutomaticDecompression = DecompressionMethods.None })
        {
            BaseAddress = handlerAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        Queues = new EmulatedStorageQueues(scriptRoot.Functions, options.QueueProfile, options.TimeProvider, DeliverQueueMessageAsync, options.QueueBatchSize, options.QueueDuplicateDeliveryRate, options.QueueRandomSeed);
    }

    /// <summary>The in-memory Storage queues behind the app's <c>queueTrigger</c> functions: enqueue, deliver, read the poison queues.</summary>
    public EmulatedStorageQueues Queues { get; }

    /// <summary>The app folder as read at start.</summary>
    public FunctionsScriptRoot ScriptRoot { get; }

    /// <summary>Where the handler listens (<c>http://127.0.0.1:{FUNCTIONS_CUSTOMHANDLER_PORT}/</c>).</summary>
    public Uri HandlerAddress { get; }

    /// <summary>The public front door (<c>http://127.0.0.1:{port}/</c>); public routes live under the route prefix.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>True when HTTP-only functions get the original request rather than a payload.</summary>
    public bool ForwardsHttpRequests { get; }

    /// <summary>The handler's stdout and stderr so far (the latest lines); empty for an existing handler.</summary>
    public string HandlerOutput => _process?.Output ?? string.Empty;

    /// <summary>The handler process the emulator started (null for an existing handler), e.g. to read its CPU time or signal it.</summary>
    public ChildProcess? HandlerProcess => _process;

    /// <summary>Every <c>Logs</c> line handlers returned in payload mode, in order (the host re-logs them).</summary>
    public IReadOnlyList<string> HandlerLogs => [.. _handlerLogs];

    /// <summary>
    /// Starts the handler (unless <see cref="FunctionsHostEmulatorOptions.ExistingHandler"/> is set), waits for it to
    /// answer <c>GET /</c>, and opens the front door. Throws <see cref="FunctionsHostStartException"/> with the
    /// handler's output when it exits or stays silent past the startup timeout.
    /// </summary>
    public static async Task<FunctionsHostEmulator> StartAsync(FunctionsHostEmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var scriptRoot = FunctionsScriptRoot.Load(options.ScriptRoot);
        var port = options.ExistingHandler is null ? FreeLoopbackPort() : 0;
        var handlerAddress = options.ExistingHandler ?? new Uri($"http://127.0.0.1:{port}/");
        var emulator = new FunctionsHostEmulator(options, scriptRoot, handlerAddress);
        try
        {
            if (options.ExistingHandler is null)
            {
                emulator.StartHandler(port);
            }

            await emulator.WaitUntilReadyAsync(cancellationToken).ConfigureAwait(false);
            await emulator.StartFrontDoorAsync(cancellationToken).ConfigureAwait(false);
            return emulator;
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>An <see cref="HttpClient"/> on the front door, as a caller on the internet would use it.</summary>
    public HttpClient CreateClient() => new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };

    /// <summary>
    /// Sends one payload-mode invocation, as the host does for every non-HTTP trigger: <c>POST /{functionName}</c>
    /// with <c>{"Data": data, "Metadata": metadata}</c>; <c>Metadata.sys</c> is added when missing. The inputs are
    /// copied, not consumed. A non-2xx answer is returned, not thrown: for the host it is a failed invocation.
    /// </summary>
    public async Task<CustomHandlerInvocationResult> InvokeAsync(string functionName, JsonObject data, JsonObject metadata, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(functionName);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(metadata);
        var meta = (JsonObject)metadata.DeepClone();
        if (!meta.ContainsKey("sys"))
        {
            meta["sys"] = CustomHandlerPayload.BuildSys(functionName, _options.TimeProvider);
        }

        return await SendInvocationAsync(functionName, CustomHandlerPayload.BuildInvocation((JsonObject)data.DeepClone(), meta), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops the front door and kills the handler process (and its children).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_frontDoor is not null)
        {
            await _frontDoor.StopAsync().ConfigureAwait(false);
            await _frontDoor.DisposeAsync().ConfigureAwait(false);
            _frontDoor = null;
        }

        if (_process is not null)
        {
            await _process.DisposeAsync().ConfigureAwait(false);
            _process = null;
        }
        _handlerClient.Dispose();
    }

    // A queue message in payload mode: Data.{binding} = its text, Metadata = the queue trigger's binding data.
    private async Task<QueueInvocationOutcome> DeliverQueueMessageAsync(string function, string binding, EmulatedQueueMessage message, CancellationToken cancellationToken)
    {
        var data = new JsonObject { [binding] = message.Text };
        var metadata = new JsonObject
        {
            ["DequeueCount"] = message.DequeueCount,
            ["ExpirationTime"] = EmulatedStorageQueues.Iso(message.ExpirationTime),
            ["Id"] = message.Id,
            ["InsertionTime"] = EmulatedStorageQueues.Iso(message.InsertionTime),
            ["NextVisibleTime"] = EmulatedStorageQueues.Iso(message.NextVisibleTime),
            ["PopReceipt"] = message.PopReceipt,
        };
        try
        {
            return new QueueInvocationOutcome((await InvokeAsync(function, data, metadata, cancellationToken).ConfigureAwait(false)).StatusCode);
        }
        catch (HttpRequestException ex)
        {
            return new QueueInvocationOutcome(0, ex.Message); // the handler is unreachable: a failed invocation
        }
    }

    private void StartHandler(int port)
    {
        var description = ScriptRoot.Handler;
        var executable = Resolve(_options.ExecutablePath ?? description.DefaultExecutablePath);
        var arguments = _options.Arguments
            ?? [.. description.Arguments, .. description.DefaultWorkerPath is { Length: > 0 } worker ? [worker] : Array.Empty<string>(), .. description.WorkerArguments];
        var workingDirectory = string.IsNullOrEmpty(description.WorkingDirectory)
            ? ScriptRoot.Path
            : Path.GetFullPath(Path.Combine(ScriptRoot.Path, description.WorkingDirectory));
        var workerId = Guid.NewGuid().ToString();
        var environment = new Dictionary<string, string?>(_options.Environment.ToDictionary(e => e.Key, string? (e) => e.Value), StringComparer.Ordinal)
        {
            // The host's names and their legacy aliases (HttpWorkerConstants).
            ["FUNCTIONS_CUSTOMHANDLER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["FUNCTIONS_CUSTOMHANDLER_WORKER_ID"] = workerId,
            ["FUNCTIONS_HTTPWORKER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["FUNCTIONS_HTTPWORKER_ID"] = workerId,
            ["FUNCTIONS_APP_ROOT_PATH"] = ScriptRoot.Path,
        };
        try
        {
            _process = ChildProcess.Start(new ChildProcessOptions
            {
                FileName = executable,
                Arguments = arguments,
                WorkingDirectory = workingDirectory,
                Environment = environment,
                Name = "The custom handler",
            });
        }
        catch (ChildProcessException ex)
        {
            throw new FunctionsHostStartException(ex.Summary, string.Empty, ex);
        }
    }

    private string Resolve(string executable)
    {
        var local = Path.Combine(ScriptRoot.Path, executable);
        return File.Exists(local) ? local : executable;
    }

    // The host keeps calling GET / until a connection succeeds; any status means ready (DefaultHttpWorkerService.IsWorkerReady).
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        if (_process is null)
        {
            // An existing handler is already listening: one answer will do.
            using var probe = new HttpClient { Timeout = _options.StartupTimeout };
            try
            {
                using var response = await probe.GetAsync(HandlerAddress, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new FunctionsHostStartException($"The handler at {HandlerAddress} did not answer GET /: {ex.Message}", string.Empty, ex);
            }
        }

        try
        {
            await _process.WaitForHttpAsync(HandlerAddress, _options.StartupTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (ChildProcessException ex)
        {
            throw new FunctionsHostStartException(ex.Summary, ex.Output, ex);
        }
    }

    private async Task StartFrontDoorAsync(CancellationToken cancellationToken)
    {
        // 100 MB: the Functions HTTP request limit (functions-limits).
        var app = LoopbackServer.Create("Portable.Emulators.FunctionsHostEmulator", kestrel: k => k.Limits.MaxRequestBodySize = 100 * 1024 * 1024);
        app.Run(HandleFrontDoorAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        _frontDoor = app;
        BaseAddress = LoopbackServer.BaseAddress(app);
    }

    private async Task HandleFrontDoorAsync(HttpContext context)
    {
        var request = context.Request;
        var match = ScriptRoot.Routes.Match(request.Method, (request.PathBase + request.Path).ToUriComponent());
        if (match is null)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound; // the host's 404: no body
            return;
        }

        var body = await ReadBodyAsync(request, context.RequestAborted).ConfigureAwait(false);
        if (ForwardsHttpRequests && match.Function.IsHttpOnly)
        {
            await ForwardAsync(context, body).ConfigureAwait(false);
        }
        else
        {
            await SendHttpPayloadAsync(context, match, body).ConfigureAwait(false);
        }
    }

    // enableForwardingHttpRequest: same path, method, headers and body, plus the host's headers; the answer as is.
    private async Task ForwardAsync(HttpContext context, byte[] body)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(HandlerAddress, $"{request.PathBase}{request.Path.ToUriComponent()}{request.QueryString}"));
        if (body.Length > 0 || request.ContentLength is not null)
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (NotForwarded.Contains(name) || name.Equals("User-Agent", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        AddHostHeaders(message);
        using var response = await _handlerClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, context.RequestAborted).ConfigureAwait(false);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!NotForwarded.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        var content = await response.Content.ReadAsByteArrayAsync(context.RequestAborted).ConfigureAwait(false);
        if (content.Length > 0)
        {
            context.Response.ContentLength = content.Length;
            await context.Response.Body.WriteAsync(content, context.RequestAborted).ConfigureAwait(false);
        }
    }

    // Payload mode for HTTP: POST /{function} with Data.req; a non-2xx from the handler is the host's 500.
    private async Task SendHttpPayloadAsync(HttpContext context, FunctionRouteMatch match, byte[] body)
    {
        var function = match.Function;
        var req = CustomHandlerPayload.BuildHttpRequest(context.Request, body, match.Values);
        var metadata = CustomHandlerPayload.BuildHttpMetadata(req, function.Name, _options.TimeProvider);
        var data = new JsonObject { [function.HttpTrigger!.Name] = req };
        var result = await SendInvocationAsync(function.Name, CustomHandlerPayload.BuildInvocation(data, metadata), context.RequestAborted).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return;
        }

        if (function.HttpOutputName is not { } outputName)
        {
            // An HTTP trigger with no http output binding has nothing to answer with: an empty 200.
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        var output = CustomHandlerPayload.ReadHttpOutput(result, outputName);
        context.Response.StatusCode = output.StatusCode;
        foreach (var group in output.Headers.GroupBy(h => h.Key, StringComparer.OrdinalIgnoreCase))
        {
            context.Response.Headers[group.Key] = group.Select(h => h.Value).ToArray();
        }

        if (output.Body.Length > 0)
        {
            context.Response.ContentLength = output.Body.Length;
            await context.Response.Body.WriteAsync(output.Body, context.RequestAborted).ConfigureAwait(false);
        }
    }

    private async Task<CustomHandlerInvocationResult> SendInvocationAsync(string functionName, JsonObject invocation, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(HandlerAddress, Uri.EscapeDataString(functionName)))
        {
            Content = new StringContent(invocation.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        AddHostHeaders(message);
        using var response = await _handlerClient.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var result = CustomHandlerInvocationResult.Parse((int)response.StatusCode, text);
        if (result.IsSuccess)
        {
            foreach (var line in result.Logs)
            {
                _handlerLogs.Enqueue(line);
            }
        }

        return result;
    }

    // DefaultHttpWorkerService.AddHeaders: every request to the handler carries these.
    private void AddHostHeaders(HttpRequestMessage message)
    {
        message.Headers.TryAddWithoutValidation(InvocationIdHeader, Guid.NewGuid().ToString());
        message.Headers.TryAddWithoutValidation(HostVersionHeader, _options.HostVersion);
        message.Headers.UserAgent.Clear();
        message.Headers.TryAddWithoutValidation("User-Agent", $"Azure-Functions-Host/{_options.HostVersion}");
    }

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
        return buffer.ToArray();
    }

    // The host's GetUnusedTcpPort: bind port 0 on loopback, read the port, release it.
    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
