using System.Globalization;
using System.Net;
using Microsoft.Azure.Functions.Worker.Http;
using Portable.Core.Http;
using Portable.Hosting;

namespace Portable.Azure.Worker;

/// <summary>
/// Maps the isolated worker's HTTP types to Portable's neutral records and back. The host hands the worker the request
/// as it received it (method, absolute URL, headers, the body as bytes: protocol digest §3.1); the response goes back
/// as status, headers and body, which the host writes out unchanged.
/// </summary>
public static class WorkerHttpMapping
{
    /// <summary>Framing headers the host writes itself.</summary>
    private static readonly HashSet<string> NotCopied = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Connection", "Keep-Alive",
    };

    /// <summary>
    /// The neutral request: the method upper-cased, the URL's path with <paramref name="routePrefix"/> removed (empty in
    /// our host.json, so the path is the public one), the raw query string without '?', every header value, the body.
    /// </summary>
    public static PortableHttpRequest ToPortable(string method, Uri url, IEnumerable<KeyValuePair<string, IEnumerable<string>>> headers, ReadOnlyMemory<byte> body, string routePrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(headers);
        var map = new HeaderMap.Builder();
        foreach (var (name, values) in headers)
        {
            foreach (var value in values)
            {
                map.Add(name, value);
            }
        }

        return new PortableHttpRequest
        {
            Method = method.ToUpperInvariant(),
            Path = StripRoutePrefix(url.AbsolutePath, routePrefix),
            QueryString = url.Query.Length > 1 ? url.Query[1..] : string.Empty,
            Headers = map.Build(),
            Body = body,
        };
    }

    /// <summary>
    /// Reads <paramref name="request"/> into a neutral request, its body up to <paramref name="maxBodyBytes"/> + 1
    /// bytes so that Core sees an oversized body as oversized and answers 413.
    /// </summary>
    public static async ValueTask<PortableHttpRequest> ReadRequestAsync(HttpRequestData request, int maxBodyBytes, string routePrefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        long? length = request.Body.CanSeek ? request.Body.Length - request.Body.Position : DeclaredLength(request.Headers);
        var body = await AspNetCoreBridge.ReadBodyAsync(request.Body, length, maxBodyBytes, cancellationToken).ConfigureAwait(false);
        return ToPortable(request.Method, request.Url, request.Headers, body, routePrefix);
    }

    /// <summary>Writes <paramref name="response"/> into the worker's <paramref name="target"/>: status, headers (every value), body.</summary>
    public static async ValueTask WriteResponseAsync(PortableHttpResponse response, HttpResponseData target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(target);
        target.StatusCode = (HttpStatusCode)response.StatusCode;
        foreach (var name in response.Headers.Names)
        {
            if (!NotCopied.Contains(name))
            {
                // Without validation: Content-Type and any custom header go into the one collection as they are.
                target.Headers.TryAddWithoutValidation(name, response.Headers.GetValues(name));
            }
        }

        if (!response.Body.IsEmpty)
        {
            await target.Body.WriteAsync(response.Body, cancellationToken).ConfigureAwait(false);
        }
    }

    private static long? DeclaredLength(HttpHeadersCollection headers) =>
        headers.TryGetValues("Content-Length", out var values)
        && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : null;

    /// <summary>
    /// Removes <paramref name="routePrefix"/> (e.g. <c>api</c>) from the start of <paramref name="path"/>, on a
    /// segment boundary; the path is returned unchanged when it does not start with the prefix.
    /// </summary>
    public static string StripRoutePrefix(string path, string routePrefix)
    {
        ArgumentNullException.ThrowIfNull(path);
        var prefix = (routePrefix ?? string.Empty).Trim('/');
        if (prefix.Length == 0)
        {
            return path.Length == 0 ? "/" : path;
        }

        var withSlash = "/" + prefix;
        if (path.Equals(withSlash, StringComparison.OrdinalIgnoreCase))
        {
            return "/";
        }

        return path.StartsWith(withSlash + "/", StringComparison.OrdinalIgnoreCase) ? path[withSlash.Length..] : path;
    }
}
