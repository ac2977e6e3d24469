using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Gcp.Logging;
using Portable.Gcp.Triggers;
using Portable.Hosting;

namespace Portable.Gcp.Http;

/// <summary>
/// Step 1 of every invocation on Cloud Run, whatever its trigger: keep the Functions Framework's reserved paths from
/// the functions, find the endpoint the path belongs to, read what the platform says about the request from its
/// headers, and open the trace's logging scope; the endpoint's mapper does the rest.
/// </summary>
/// <param name="endpoints">The served functions' endpoints.</param>
/// <param name="projectId">The project trace names are qualified with, or null.</param>
/// <param name="log">The host's log; lines written while a request runs carry its trace.</param>
internal sealed class CloudRunRequest(CloudRunEndpoints endpoints, string? projectId, ILogger log)
{
    /// <summary>The Functions Framework answers these with 404 without calling the function (FF-dotnet <c>HostingInternals.cs</c>).</summary>
    private static readonly PathString FavIcon = new("/favicon.ico");

    private static readonly PathString Robots = new("/robots.txt");

    /// <summary>Answers one request.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        if (IsReserved(path) || endpoints.Find(path) is not { } endpoint)
        {
            await AspNetCoreBridge.WriteResponseAsync(context, PortableHttpResponse.Error(404, $"No function serves {path}.")).ConfigureAwait(false);
            return;
        }

        var info = ReadInvocationInfo(context.Request.Headers);
        var trace = CloudTrace.ResourceName(info, projectId);
        using var scope = trace is null ? null : log.BeginScope(new CloudTraceScope(trace));
        await endpoint(context, info).ConfigureAwait(false);
    }

    /// <summary>True for the paths the Functions Framework keeps from the function (matched as path prefixes, any case).</summary>
    public static bool IsReserved(PathString path) =>
        path.StartsWithSegments(FavIcon, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(Robots, StringComparison.OrdinalIgnoreCase);

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
