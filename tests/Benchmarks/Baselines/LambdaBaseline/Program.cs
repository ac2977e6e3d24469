using System.Net;
using System.Net.Http.Headers;

// The Lambda baseline: a bare custom runtime loop with no Portable code. GET next, read the event, POST a fixed
// API Gateway v2 response for GET /items?limit=1, over HttpClient as a minimal .NET custom runtime (and
// Amazon.Lambda.RuntimeSupport) calls the Runtime API. (src/Aws's RuntimeApiClient speaks HTTP/1.1 on a socket itself.)
var runtimeApi = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API");
if (string.IsNullOrWhiteSpace(runtimeApi))
{
    await Console.Error.WriteLineAsync("AWS_LAMBDA_RUNTIME_API is not set.");
    return 2;
}

var response = """
    {"statusCode":200,"headers":{"content-type":"application/json; charset=utf-8"},"body":"{\"items\":[{\"id\":\"01JBASELINE00000000000000\",\"name\":\"widget\",\"price\":9.5,\"createdAt\":\"2026-01-01T00:00:00+00:00\"}],\"nextCursor\":null}","isBase64Encoded":false}
    """u8.ToArray();

using var http = new HttpClient(
    new SocketsHttpHandler
    {
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
    },
    disposeHandler: true)
{
    BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/", UriKind.Absolute),
    Timeout = Timeout.InfiniteTimeSpan,
};

while (true)
{
    string requestId;
    using (var next = await http.GetAsync("runtime/invocation/next", HttpCompletionOption.ResponseHeadersRead))
    {
        if (next.StatusCode != HttpStatusCode.OK || !next.Headers.TryGetValues("Lambda-Runtime-Aws-Request-Id", out var ids))
        {
            await Console.Error.WriteLineAsync($"GET next answered {(int)next.StatusCode}.");
            return 1;
        }

        requestId = ids.First();
        _ = await next.Content.ReadAsByteArrayAsync(); // the event: read, as a real runtime must, then ignored
    }

    using var content = new ByteArrayContent(response);
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    using var posted = await http.PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content);
    if (!posted.IsSuccessStatusCode)
    {
        await Console.Error.WriteLineAsync($"POST response answered {(int)posted.StatusCode}.");
        return 1;
    }
}
