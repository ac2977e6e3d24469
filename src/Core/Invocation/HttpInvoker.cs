using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;

namespace Portable.Core.Invocation;

/// <summary>
/// The HTTP front door of the <see cref="InvocationEngine"/>: refuses an oversized body (413), routes the neutral
/// request through the manifest (404, 405 with <c>Allow</c>), and settles the handler's outcome — its response, a
/// 504 past the deadline, or a 500 with a correlation id for an unexpected fault. Adapters only do step 1 (receive)
/// and step 5 (answer).
/// </summary>
public sealed partial class HttpInvoker
{
    private readonly InvocationEngine _engine;
    private readonly HttpRouter _router;

    /// <summary>Creates the front door a host keeps for its whole life.</summary>
    public HttpInvoker(InvocationEngine engine)
    {
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _router = new HttpRouter(engine.Manifest);
    }

    /// <summary>The functions this host serves (all, or the one <c>FunctionTarget</c> names).</summary>
    public FunctionManifest Manifest => _engine.Manifest;

    /// <summary>The largest body a host should read before handing the request over.</summary>
    public int MaxRequestBodyBytes => _engine.Options.MaxRequestBodyBytes;

    /// <summary>Answers one request. Never throws for anything the caller sent or the handler did.</summary>
    public ValueTask<PortableHttpResponse> InvokeAsync(PortableHttpRequest request, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Body.Length > MaxRequestBodyBytes)
        {
            return ValueTask.FromResult(PortableHttpResponse.Error(413, $"The request body is larger than the limit of {MaxRequestBodyBytes} bytes."));
        }

        var resolution = _router.Resolve(request.Method, request.Path);
        if (resolution.Route is null || resolution.Function is null)
        {
            return ValueTask.FromResult(resolution.Allowed.Count > 0
                ? PortableHttpResponse.Error(405, $"Method {request.Method} is not allowed on {request.Path}.", null, new HeaderMap.Builder().Add("Allow", string.Join(", ", resolution.Allowed)))
                : PortableHttpResponse.Error(404, $"No route matches {request.Method} {request.Path}."));
        }

        var input = resolution.Values is { } values ? request with { RouteValues = values } : request;
        return _engine.InvokeAsync<PortableHttpResponse, Settler>(
            resolution.Function, input, info, deliveryCount: 1, new RouteMatch(resolution.Route), new Settler(_engine.Log), cancellationToken);
    }

    private readonly struct Settler(ILogger log) : IInvocationSettler<PortableHttpResponse>
    {
        public PortableHttpResponse Completed(FunctionContext context) =>
            context.Result as PortableHttpResponse
            ?? throw new InvalidOperationException($"Function '{context.FunctionName}' produced no HTTP response.");

        public PortableHttpResponse Faulted(FunctionContext context, Exception exception)
        {
            LogUnhandled(log, exception, context.FunctionName, context.InvocationId);
            return PortableHttpResponse.Error(
                500,
                "An unexpected error occurred.",
                new Dictionary<string, string> { ["correlationId"] = context.InvocationId },
                new HeaderMap.Builder().Add("X-Correlation-Id", context.InvocationId));
        }

        public PortableHttpResponse TimedOut(FunctionContext context) =>
            PortableHttpResponse.Error(504, "The function did not finish before its deadline.", new Dictionary<string, string> { ["correlationId"] = context.InvocationId });

        public string OutcomeOf(PortableHttpResponse result) => result.StatusCode switch
        {
            504 => "Timeout",
            >= 500 => "Error",
            _ => "Success",
        };
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Function {FunctionName} failed unexpectedly (invocation {InvocationId})")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string functionName, string invocationId);
}
