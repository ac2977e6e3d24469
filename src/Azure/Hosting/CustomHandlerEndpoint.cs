using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Portable.Azure.Layout;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Hosting;

namespace Portable.Azure.Hosting;

/// <summary>
/// The handler's one terminal endpoint. A request is a payload-mode invocation when it is a POST to
/// <c>/{function}</c> — a manifest function or <see cref="FunctionsLayout.FallbackFunctionName"/> — whose JSON body
/// has a <c>Data</c> object; anything else is a forwarded request at its public path (or the host's readiness
/// probe on <c>/</c>, which any status satisfies). Both end in Core's <see cref="HttpInvoker"/>.
/// </summary>
public sealed partial class CustomHandlerEndpoint
{
    /// <summary>The header carrying the host's invocation id, in both modes.</summary>
    public const string InvocationIdHeader = "X-Azure-Functions-InvocationId";

    // An envelope is larger than the request it carries (JSON escaping, base64 for binary bodies).
    private const int EnvelopeOverheadFactor = 2;
    private const int EnvelopeOverheadBytes = 64 * 1024;

    private readonly HttpInvoker _invoker;
    private readonly QueueInvocationHandler _queues;
    private readonly CustomHandlerOptions _options;
    private readonly FrozenSet<string> _payloadPaths;
    private readonly ILogger _log;

    /// <summary>Creates the endpoint for the invoker's manifest; queue functions' invocations go to <paramref name="queues"/>.</summary>
    public CustomHandlerEndpoint(HttpInvoker invoker, QueueInvocationHandler queues, CustomHandlerOptions options, ILogger<CustomHandlerEndpoint> log)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(queues);
        ArgumentNullException.ThrowIfNull(options);
        _invoker = invoker;
        _queues = queues;
        _options = options;
        _log = log;
        _payloadPaths = invoker.Manifest.Functions.Select(f => "/" + f.Name)
            .Concat(queues.FunctionNames.Select(n => "/" + n))
            .Append("/" + FunctionsLayout.FallbackFunctionName)
            .ToFrozenSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Answers one request from the Functions host.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var invocationId = context.Request.Headers[InvocationIdHeader].ToString() is { Length: > 0 } id ? id : null;
        var path = HttpPayload.StripRoutePrefix(NonEmpty((context.Request.PathBase + context.Request.Path).ToUriComponent()), _options.RoutePrefix);

        if (!IsPayloadCandidate(context.Request, path))
        {
            var forwarded = await AspNetCoreBridge.ReadRequestAsync(context, _invoker.MaxRequestBodyBytes, path).ConfigureAwait(false);
            await InvokeForwardedAsync(context, forwarded, invocationId).ConfigureAwait(false);
            return;
        }

        var limit = (_invoker.MaxRequestBodyBytes * EnvelopeOverheadFactor) + EnvelopeOverheadBytes;
        var request = await AspNetCoreBridge.ReadRequestAsync(context, limit, path).ConfigureAwait(false);
        JsonDocument? document = null;
        try
        {
            document = JsonDocument.Parse(request.Body);
        }
        catch (JsonException)
        {
            // Not an envelope: a forwarded request that happens to hit /{function}.
        }

        using (document)
        {
            if (document is null || !HttpPayload.TryGetData(document.RootElement, out var data))
            {
                await InvokeForwardedAsync(context, request, invocationId).ConfigureAwait(false);
                return;
            }

            if (_queues.Handles(path[1..]))
            {
                await _queues.InvokeAsync(context, path[1..], document.RootElement, invocationId).ConfigureAwait(false);
                return;
            }

            await InvokePayloadAsync(context, path[1..], data, invocationId).ConfigureAwait(false);
        }
    }

    private bool IsPayloadCandidate(HttpRequest request, string path) =>
        HttpMethods.IsPost(request.Method) && _payloadPaths.Contains(path)
        && request.ContentLength is not 0
        && (request.ContentType is null || JsonRequestBody.IsJsonContentType(request.ContentType));

    private async Task InvokeForwardedAsync(HttpContext context, PortableHttpRequest request, string? invocationId)
    {
        var response = await _invoker.InvokeAsync(request, Info(invocationId, request.Headers["traceparent"]), context.RequestAborted).ConfigureAwait(false);
        await AspNetCoreBridge.WriteResponseAsync(context, response).ConfigureAwait(false);
    }

    private async Task InvokePayloadAsync(HttpContext context, string functionName, JsonElement data, string? invocationId)
    {
        if (!HttpPayload.TryGetProperty(data, FunctionJsonWriter.HttpTriggerBindingName, out var req))
        {
            // Queue functions were routed before this; any other non-HTTP trigger (timer) is a misconfiguration
            // until the manifest has it, and a non-2xx makes the host fail the invocation visibly.
            LogNoHttpRequest(_log, functionName, invocationId);
            await WriteProtocolErrorAsync(context, $"Function '{functionName}': Data holds no '{FunctionJsonWriter.HttpTriggerBindingName}' HTTP request, and this handler has no non-HTTP trigger for it.").ConfigureAwait(false);
            return;
        }

        if (!HttpPayload.TryReadRequest(req, _options.RoutePrefix, out var request, out var error))
        {
            LogBadPayload(_log, functionName, invocationId, error);
            await WriteProtocolErrorAsync(context, error).ConfigureAwait(false);
            return;
        }

        var response = await _invoker.InvokeAsync(request, Info(invocationId, request.Headers["traceparent"]), context.RequestAborted).ConfigureAwait(false);
        var body = HttpPayload.WriteResponse(response, FunctionJsonWriter.HttpOutputBindingName);
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    private static async Task WriteProtocolErrorAsync(HttpContext context, string message)
    {
        var response = PortableHttpResponse.Error(StatusCodes.Status400BadRequest, message);
        await AspNetCoreBridge.WriteResponseAsync(context, response).ConfigureAwait(false);
    }

    private static InvocationInfo Info(string? invocationId, string? traceParent) =>
        new(InvocationId: invocationId, TraceParent: string.IsNullOrEmpty(traceParent) ? null : traceParent);

    private static string NonEmpty(string path) => path.Length == 0 ? "/" : path;

    [LoggerMessage(EventId = 3001, Level = LogLevel.Error, Message = "Payload invocation of {FunctionName} (invocation {InvocationId}) carries no HTTP request")]
    private static partial void LogNoHttpRequest(ILogger logger, string functionName, string? invocationId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Error, Message = "Payload invocation of {FunctionName} (invocation {InvocationId}) is malformed: {Error}")]
    private static partial void LogBadPayload(ILogger logger, string functionName, string? invocationId, string error);
}
