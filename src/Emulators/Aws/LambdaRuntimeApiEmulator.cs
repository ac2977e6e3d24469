using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Portable.Emulators.Aws;

/// <summary>
/// An in-process Lambda Runtime API (<c>/2018-06-01/runtime/…</c>) on a free 127.0.0.1 port, written from the
/// documented protocol and the Runtime Interface Emulator's behaviour: <c>next</c> long-polls and hands out one
/// queued invocation with its <c>Lambda-Runtime-*</c> headers; <c>/response</c> answers 202, 413 over
/// <see cref="LambdaRuntimeApiEmulatorOptions.MaxResponseBytes"/>, 400 for an id it never handed out and 403 for a
/// second answer; <c>/error</c> and <c>/runtime/init/error</c> record the error. Point a bootstrap's
/// <c>AWS_LAMBDA_RUNTIME_API</c> at <see cref="RuntimeApi"/> and call <see cref="InvokeAsync(LambdaInvocationRequest, CancellationToken)"/>.
/// </summary>
public sealed class LambdaRuntimeApiEmulator : IAsyncDisposable
{
    private const string Prefix = "/2018-06-01/runtime";

    private readonly WebApplication _app;
    private readonly LambdaRuntimeApiEmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly Channel<Invocation> _queue = Channel.CreateUnbounded<Invocation>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, Invocation> _invocations = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<LambdaInitError> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _runtimeConnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextCalls;

    private LambdaRuntimeApiEmulator(WebApplication app, LambdaRuntimeApiEmulatorOptions options)
    {
        _app = app;
        _options = options;
        _time = options.TimeProvider;
    }

    /// <summary>The value for <c>AWS_LAMBDA_RUNTIME_API</c>: <c>127.0.0.1:{port}</c>.</summary>
    public string RuntimeApi { get; private set; } = string.Empty;

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The settings this emulator runs with.</summary>
    public LambdaRuntimeApiEmulatorOptions Options => _options;

    /// <summary>The init error a runtime reported, or null.</summary>
    public LambdaInitError? InitError => _initError.Task.IsCompletedSuccessfully ? _initError.Task.Result : null;

    /// <summary>How many times a runtime has called <c>next</c>.</summary>
    public int NextCallCount => Volatile.Read(ref _nextCalls);

    /// <summary>Starts the server on a free loopback port (or <see cref="LambdaRuntimeApiEmulatorOptions.Port"/>).</summary>
    public static async Task<LambdaRuntimeApiEmulator> StartAsync(LambdaRuntimeApiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LambdaRuntimeApiEmulatorOptions();
        // No body limit in Kestrel: the emulator enforces the Lambda limit itself, with Lambda's 413.
        var app = LoopbackServer.Create("Portable.Emulators.LambdaRuntimeApiEmulator", options.Port, k => k.Limits.MaxRequestBodySize = null);
        var emulator = new LambdaRuntimeApiEmulator(app, options);
        app.MapGet(Prefix + "/invocation/next", emulator.NextAsync);
        app.MapPost(Prefix + "/invocation/{requestId}/response", emulator.ResponseAsync);
        app.MapPost(Prefix + "/invocation/{requestId}/error", emulator.ErrorAsync);
        app.MapPost(Prefix + "/init/error", emulator.InitErrorAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        emulator.BaseAddress = LoopbackServer.BaseAddress(app);
        emulator.RuntimeApi = $"127.0.0.1:{emulator.BaseAddress.Port}";
        return emulator;
    }

    /// <summary>Invokes the function with <paramref name="eventPayload"/> and waits up to <paramref name="timeout"/> for its answer.</summary>
    public Task<LambdaInvocationResult> InvokeAsync(ReadOnlyMemory<byte> eventPayload, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        InvokeAsync(new LambdaInvocationRequest { Payload = eventPayload, Timeout = timeout }, cancellationToken);

    /// <summary>
    /// Queues an invocation for the runtime's next <c>next</c> call and waits for its <c>/response</c> or
    /// <c>/error</c>, an init error, or the timeout. Never throws for what the runtime did; throws only when
    /// <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async Task<LambdaInvocationResult> InvokeAsync(LambdaInvocationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(request.Timeout, TimeSpan.Zero);
        if (request.Payload.Length > _options.MaxRequestBytes)
        {
            // Lambda's Invoke API refuses it before any sandbox sees it: RequestEntityTooLargeException, HTTP 413.
            return new LambdaInvocationResult
            {
                RequestId = request.RequestId ?? Guid.NewGuid().ToString(),
                Outcome = LambdaInvocationOutcome.RequestTooLarge,
                ErrorType = "RequestEntityTooLargeException",
                ErrorBody = RequestTooLargeJson(_options.MaxRequestBytes),
                ErrorContentType = "application/json",
            };
        }

        var started = _time.GetTimestamp();
        var invocation = new Invocation(
            request.RequestId ?? Guid.NewGuid().ToString(),
            request,
            _time.GetUtcNow() + request.Timeout,
            request.TraceId ?? NewTraceId(_time));
        if (!_invocations.TryAdd(invocation.RequestId, invocation))
        {
            throw new ArgumentException($"Request id '{invocation.RequestId}' was already used.", nameof(request));
        }

        if (InitError is { } initError)
        {
            invocation.TryFinish(Invocation.Queued, InitErrorResult(invocation, initError));
        }
        else
        {
            await _queue.Writer.WriteAsync(invocation, cancellationToken).ConfigureAwait(false);
        }

        LambdaInvocationResult result;
        try
        {
            result = await invocation.Completion.Task.WaitAsync(request.Timeout, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Lambda stops waiting at the deadline; a late answer from the runtime is refused with 403.
            var timedOut = new LambdaInvocationResult
            {
                RequestId = invocation.RequestId,
                Outcome = LambdaInvocationOutcome.Timeout,
                ErrorType = "Sandbox.Timeout",
                ErrorBody = ErrorJson("Sandbox.Timeout", $"Task timed out after {request.Timeout.TotalSeconds:0.00} seconds"),
            };
            result = invocation.TryFinishAny(timedOut) ? timedOut : await invocation.Completion.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            invocation.TryFinishAny(null);
            throw;
        }

        return result with { Duration = _time.GetElapsedTime(started) };
    }

    /// <summary>Completes when a runtime posts <c>/runtime/init/error</c>.</summary>
    public Task<LambdaInitError> WaitForInitErrorAsync(CancellationToken cancellationToken = default) =>
        _initError.Task.WaitAsync(cancellationToken);

    /// <summary>Completes when a runtime first calls <c>next</c>: the function has finished its init and is ready.</summary>
    public Task WaitForRuntimeAsync(CancellationToken cancellationToken = default) => _runtimeConnected.Task.WaitAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        foreach (var invocation in _invocations.Values)
        {
            invocation.TryFinishAny(null);
        }

        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task NextAsync(HttpContext context)
    {
        Interlocked.Increment(ref _nextCalls);
        _runtimeConnected.TrySetResult();
        Invocation invocation;
        while (true)
        {
            try
            {
                invocation = await _queue.Reader.ReadAsync(context.RequestAborted).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return; // the runtime went away (or is frozen) mid-poll; the queued invocation stays queued
            }
            catch (ChannelClosedException)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            // Skip invocations whose caller already gave up (timeout or cancellation while queued).
            if (invocation.TryStart())
            {
                break;
            }
        }

        var headers = context.Response.Headers;
        headers["Lambda-Runtime-Aws-Request-Id"] = invocation.RequestId;
        headers["Lambda-Runtime-Deadline-Ms"] = invocation.Deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        headers["Lambda-Runtime-Invoked-Function-Arn"] = invocation.Request.InvokedFunctionArn ?? _options.FunctionArn;
        headers["Lambda-Runtime-Trace-Id"] = invocation.TraceId;
        if (invocation.Request.ClientContext is { Length: > 0 } clientContext)
        {
            headers["Lambda-Runtime-Client-Context"] = clientContext;
        }

        if (invocation.Request.CognitoIdentity is { Length: > 0 } cognito)
        {
            headers["Lambda-Runtime-Cognito-Identity"] = cognito;
        }

        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = invocation.Request.Payload.Length;
        await context.Response.Body.WriteAsync(invocation.Request.Payload, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task ResponseAsync(HttpContext context)
    {
        var (body, tooLarge) = await ReadBodyAsync(context.Request, _options.MaxResponseBytes).ConfigureAwait(false);
        if (!TryGetRunning(context, out var invocation, out var refusal))
        {
            await refusal.ConfigureAwait(false);
            return;
        }

        if (tooLarge)
        {
            // The Runtime Interface Emulator answers 413 and fails the invoke with Function.ResponseSizeTooLarge.
            var message = $"Response payload size exceeded maximum allowed payload size ({_options.MaxResponseBytes} bytes).";
            invocation.TryFinish(Invocation.Running, new LambdaInvocationResult
            {
                RequestId = invocation.RequestId,
                Outcome = LambdaInvocationOutcome.FunctionError,
                ErrorType = "Function.ResponseSizeTooLarge",
                ErrorBody = ErrorJson("Function.ResponseSizeTooLarge", message),
                ErrorContentType = "application/json",
            });
            await WriteJsonAsync(context, StatusCodes.Status413PayloadTooLarge, "RequestEntityTooLarge", $"Exceeded maximum allowed payload size ({_options.MaxResponseBytes} bytes).").ConfigureAwait(false);
            return;
        }

        var finished = invocation.TryFinish(Invocation.Running, new LambdaInvocationResult
        {
            RequestId = invocation.RequestId,
            Outcome = LambdaInvocationOutcome.Success,
            Payload = body,
        });
        await (finished ? WriteAcceptedAsync(context) : WriteInvalidStateAsync(context, invocation)).ConfigureAwait(false);
    }

    private async Task ErrorAsync(HttpContext context)
    {
        var (body, _) = await ReadBodyAsync(context.Request, _options.MaxResponseBytes).ConfigureAwait(false);
        if (!TryGetRunning(context, out var invocation, out var refusal))
        {
            await refusal.ConfigureAwait(false);
            return;
        }

        var finished = invocation.TryFinish(Invocation.Running, new LambdaInvocationResult
        {
            RequestId = invocation.RequestId,
            Outcome = LambdaInvocationOutcome.FunctionError,
            ErrorType = ErrorTypeHeader(context.Request),
            ErrorBody = body,
            ErrorContentType = context.Request.ContentType,
        });
        await (finished ? WriteAcceptedAsync(context) : WriteInvalidStateAsync(context, invocation)).ConfigureAwait(false);
    }

    private async Task InitErrorAsync(HttpContext context)
    {
        var (body, _) = await ReadBodyAsync(context.Request, _options.MaxResponseBytes).ConfigureAwait(false);
        var error = new LambdaInitError(ErrorTypeHeader(context.Request), body, context.Request.ContentType);
        if (!_initError.TrySetResult(error))
        {
            await WriteJsonAsync(context, StatusCodes.Status403Forbidden, "InvalidStateTransition", "An init error was already reported.").ConfigureAwait(false);
            return;
        }

        // Lambda surfaces an init error on the invokes that were waiting for the environment.
        foreach (var invocation in _invocations.Values)
        {
            invocation.TryFinishAny(InitErrorResult(invocation, error));
        }

        await WriteAcceptedAsync(context).ConfigureAwait(false);
    }

    private bool TryGetRunning(HttpContext context, out Invocation invocation, out Task refusal)
    {
        var requestId = context.GetRouteValue("requestId") as string ?? string.Empty;
        if (_invocations.TryGetValue(requestId, out invocation!) && invocation.State != Invocation.Queued)
        {
            refusal = Task.CompletedTask;
            return true;
        }

        // Same answer as the Runtime Interface Emulator's RenderInvalidRequestID.
        refusal = WriteJsonAsync(context, StatusCodes.Status400BadRequest, "InvalidRequestID", "Invalid request ID");
        return false;
    }

    private static Task WriteInvalidStateAsync(HttpContext context, Invocation invocation) =>
        WriteJsonAsync(context, StatusCodes.Status403Forbidden, "InvalidStateTransition", $"Invocation {invocation.RequestId} has already been answered or has timed out.");

    private static Task WriteAcceptedAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("{\"status\":\"OK\"}");
    }

    private static Task WriteJsonAsync(HttpContext context, int status, string errorType, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var body = ErrorJson(errorType, message, includeStackTrace: false);
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    private static string? ErrorTypeHeader(HttpRequest request) =>
        request.Headers.TryGetValue("Lambda-Runtime-Function-Error-Type", out var value) && value.Count > 0 ? value[0] : null;

    // Reads the whole body (so the client is never cut off mid-send) but keeps at most maxBytes of it.
    private static async Task<(byte[] Body, bool TooLarge)> ReadBodyAsync(HttpRequest request, int maxBytes)
    {
        var kept = new ArrayBufferWriter<byte>(Math.Min(maxBytes + 1, (int)Math.Min(request.ContentLength ?? 4096, maxBytes + 1L)));
        var scratch = ArrayPool<byte>.Shared.Rent(64 * 1024);
        var tooLarge = false;
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(scratch, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
            {
                if (!tooLarge && kept.WrittenCount + read > maxBytes)
                {
                    tooLarge = true;
                }

                if (!tooLarge)
                {
                    kept.Write(scratch.AsSpan(0, read));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }

        return (tooLarge ? [] : kept.WrittenSpan.ToArray(), tooLarge);
    }

    private static LambdaInvocationResult InitErrorResult(Invocation invocation, LambdaInitError error) => new()
    {
        RequestId = invocation.RequestId,
        Outcome = LambdaInvocationOutcome.InitError,
        ErrorType = error.ErrorType,
        ErrorBody = error.Body,
        ErrorContentType = error.ContentType,
    };

    private static byte[] ErrorJson(string errorType, string message, bool includeStackTrace = true)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("errorMessage", message);
            writer.WriteString("errorType", errorType);
            if (includeStackTrace)
            {
                writer.WriteStartArray("stackTrace");
                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // The Invoke API's error body: {"Type":"User","message":"Request must be smaller than N bytes for the InvokeFunction operation"}.
    private static byte[] RequestTooLargeJson(int maxBytes)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("Type", "User");
            writer.WriteString("message", $"Request must be smaller than {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes for the InvokeFunction operation");
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // X-Ray trace header: Root=1-{8 hex epoch seconds}-{24 hex}; Parent={16 hex}; Sampled=0.
    private static string NewTraceId(TimeProvider time)
    {
        var random = Guid.NewGuid().ToString("N");
        var seconds = time.GetUtcNow().ToUnixTimeSeconds().ToString("x8", CultureInfo.InvariantCulture);
        return $"Root=1-{seconds}-{random[..24]};Parent={Guid.NewGuid().ToString("N")[..16]};Sampled=0";
    }

    private sealed class Invocation(string requestId, LambdaInvocationRequest request, DateTimeOffset deadline, string traceId)
    {
        public const int Queued = 0;
        public const int Running = 1;
        public const int Done = 2;

        private int _state;

        public string RequestId { get; } = requestId;

        public LambdaInvocationRequest Request { get; } = request;

        public DateTimeOffset Deadline { get; } = deadline;

        public string TraceId { get; } = traceId;

        public TaskCompletionSource<LambdaInvocationResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int State => Volatile.Read(ref _state);

        public bool TryStart() => Interlocked.CompareExchange(ref _state, Running, Queued) == Queued;

        /// <summary>Finishes from <paramref name="from"/> only; false when another answer got there first.</summary>
        public bool TryFinish(int from, LambdaInvocationResult result)
        {
            if (Interlocked.CompareExchange(ref _state, Done, from) != from)
            {
                return false;
            }

            Completion.TrySetResult(result);
            return true;
        }

        /// <summary>Finishes from any unfinished state; a null result cancels the waiting caller.</summary>
        public bool TryFinishAny(LambdaInvocationResult? result)
        {
            while (true)
            {
                var state = State;
                if (state == Done)
                {
                    return false;
                }

                if (Interlocked.CompareExchange(ref _state, Done, state) == state)
                {
                    _ = result is null ? Completion.TrySetCanceled() : Completion.TrySetResult(result);
                    return true;
                }
            }
        }
    }
}
