using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;

namespace Portable.Core.Invocation;

/// <summary>
/// Steps 2 to 4 of every HTTP invocation on every host: route the neutral request through the manifest,
/// build the <see cref="FunctionContext"/>, run the middleware pipeline and the handler, and settle the
/// result — including 404, 405, 413, a deadline, and an unexpected fault (500 with a correlation id).
/// Adapters only do step 1 (receive) and step 5 (answer).
/// </summary>
public sealed partial class HttpInvoker
{
    /// <summary>The activity source HTTP invocations are traced under.</summary>
    public static readonly ActivitySource ActivitySource = new("Portable.Functions");

    private readonly HttpRouter _router;
    private readonly FunctionExecutionDelegate _pipeline;
    private readonly PortableHostOptions _options;
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private int _invocations;

    /// <summary>Creates the invoker a host keeps for its whole life.</summary>
    public HttpInvoker(
        FunctionManifest manifest,
        FunctionPipelineBuilder pipeline,
        PortableHostOptions options,
        IServiceProvider services,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Manifest = options.FunctionTarget is { Length: > 0 } target ? manifest.Only(target) : manifest;
        _router = new HttpRouter(Manifest);
        _pipeline = pipeline.Build(RunHandlerAsync);
        _options = options;
        _services = services;
        _time = timeProvider;
        _loggers = loggerFactory;
        _log = loggerFactory.CreateLogger("Portable.Invocation");
    }

    /// <summary>The functions this host serves (all, or the one <c>FunctionTarget</c> names).</summary>
    public FunctionManifest Manifest { get; }

    /// <summary>The largest body a host should read before handing the request over.</summary>
    public int MaxRequestBodyBytes => _options.MaxRequestBodyBytes;

    /// <summary>Answers one request. Never throws for anything the caller sent or the handler did.</summary>
    public async ValueTask<PortableHttpResponse> InvokeAsync(PortableHttpRequest request, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var invocationId = info.InvocationId ?? Guid.NewGuid().ToString("N");
        var coldStart = Interlocked.Increment(ref _invocations) == 1;

        if (request.Body.Length > _options.MaxRequestBodyBytes)
        {
            return PortableHttpResponse.Error(413, $"The request body is larger than the limit of {_options.MaxRequestBodyBytes} bytes.");
        }

        var resolution = _router.Resolve(request.Method, request.Path);
        if (resolution.Route is null || resolution.Function is null)
        {
            return resolution.Allowed.Count > 0
                ? PortableHttpResponse.Error(405, $"Method {request.Method} is not allowed on {request.Path}.", headers: HeaderMap.Empty.With("Allow", string.Join(", ", resolution.Allowed)))
                : PortableHttpResponse.Error(404, $"No route matches {request.Method} {request.Path}.");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var deadlineTimer = Deadlines.Start(_time, info.Deadline, deadline);
        using var activity = StartActivity(resolution.Function.Name, info.TraceParent);
        var logger = _loggers.CreateLogger("Portable.Functions." + resolution.Function.Name);
        var context = new FunctionContext
        {
            InvocationId = invocationId,
            FunctionName = resolution.Function.Name,
            Cloud = _options.Cloud,
            Deadline = info.Deadline,
            TraceParent = info.TraceParent,
            PlatformTraceId = info.PlatformTraceId,
            IsColdStart = coldStart,
            Logger = logger,
            Services = _services,
            TimeProvider = _time,
            CancellationToken = deadline.Token,
            Input = request with { RouteValues = resolution.Values ?? request.RouteValues },
        };
        context.Items[RouteKey] = resolution.Route;

        try
        {
            await _pipeline(context).ConfigureAwait(false);
            return context.Result as PortableHttpResponse
                ?? throw new InvalidOperationException($"Function '{context.FunctionName}' produced no HTTP response.");
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            LogDeadline(_log, context.FunctionName, invocationId);
            return PortableHttpResponse.Error(504, "The function did not finish before its deadline.", new Dictionary<string, string> { ["correlationId"] = invocationId });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnhandled(_log, ex, context.FunctionName, invocationId);
            return PortableHttpResponse.Error(
                500,
                "An unexpected error occurred.",
                new Dictionary<string, string> { ["correlationId"] = invocationId },
                HeaderMap.Empty.With("X-Correlation-Id", invocationId));
        }
    }

    private const string RouteKey = "portable.route";

    private static ValueTask RunHandlerAsync(FunctionContext context) =>
        AwaitResponse(context, ((HttpRoute)context.Items[RouteKey]!).Handler((PortableHttpRequest)context.Input, context, context.CancellationToken));

    private static async ValueTask AwaitResponse(FunctionContext context, ValueTask<PortableHttpResponse> pending) =>
        context.Result = await pending.ConfigureAwait(false);

    private static Activity? StartActivity(string functionName, string? traceParent)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = ActivitySource.StartActivity(functionName, ActivityKind.Server, parent);
        activity?.SetTag("faas.name", functionName);
        activity?.SetTag("faas.trigger", "http");
        return activity;
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Function {FunctionName} failed unexpectedly (invocation {InvocationId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string functionName, string invocationId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Function {FunctionName} ran past its deadline (invocation {InvocationId})")]
    private static partial void LogDeadline(ILogger logger, string functionName, string invocationId);
}
