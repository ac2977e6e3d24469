using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Gcp.Events;
using Portable.Gcp.Logging;
using Portable.Hosting;

namespace Portable.Gcp.Http;

/// <summary>
/// Steps 1 and 5 of an invocation on Cloud Run: read what the platform says about the request from its headers,
/// hand the request to Core through <see cref="AspNetCoreBridge"/>, and write Core's answer.
/// </summary>
internal static class CloudRunRequest
{
    /// <summary>The Functions Framework answers these with 404 without calling the function (FF-dotnet <c>HostingInternals.cs</c>).</summary>
    private static readonly PathString[] Reserved = [new("/favicon.ico"), new("/robots.txt")];

    /// <summary>Answers one request: a Pub/Sub push to a queue function through <paramref name="pubSub"/>, anything else as HTTP.</summary>
    public static async Task HandleAsync(HttpContext context, HttpInvoker invoker, PubSubPushEndpoint pubSub, CloudRunSettings settings, ILogger log)
    {
        if (IsReserved(context.Request.Path))
        {
            await AspNetCoreBridge.WriteResponseAsync(context, PortableHttpResponse.Error(404, $"{context.Request.Path} is not served.")).ConfigureAwait(false);
            return;
        }

        var info = ReadInvocationInfo(context.Request.Headers);
        var trace = CloudTrace.ResourceName(info, settings.ProjectId);
        using var scope = trace is null ? null : log.BeginScope(new CloudTraceScope(trace));
        if (pubSub.Match(context.Request.Path) is { } queueFunction)
        {
            await pubSub.HandleAsync(context, queueFunction, info).ConfigureAwait(false);
            return;
        }

        await AspNetCoreBridge.HandleAsync(context, invoker, info).ConfigureAwait(false);
    }

    /// <summary>True for the paths the Functions Framework keeps from the function (matched as path prefixes, any case).</summary>
    public static bool IsReserved(PathString path) =>
        Array.Exists(Reserved, r => path.StartsWithSegments(r, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The invocation id is <c>Function-Execution-Id</c> when a Functions front end sent one (Core makes one up
    /// otherwise); trace context comes from W3C <c>traceparent</c> and Google's <c>X-Cloud-Trace-Context</c>.
    /// </summary>
    public static InvocationInfo ReadInvocationInfo(IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new InvocationInfo(
            InvocationId: NullIfEmpty(headers["Function-Execution-Id"]),
            TraceParent: NullIfEmpty(headers.TraceParent),
            PlatformTraceId: NullIfEmpty(headers["X-Cloud-Trace-Context"]));
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        value.Count > 0 && !string.IsNullOrWhiteSpace(value[0]) ? value[0]!.Trim() : null;
}
