using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Portable.TestKit;

namespace Portable.Engines;

/// <summary>
/// A loopback HTTP server (127.0.0.1, free port) that records every request and answers each with whatever the
/// test's responder returns. Stands in for a cloud API that has no local engine, so a test can assert the exact wire
/// request a client sends.
/// </summary>
public sealed class RecordingHttpServer : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<RecordedRequest, RecordedResponse> _respond;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Task _loop;

    /// <summary>Starts listening; <paramref name="respond"/> builds the answer to each request.</summary>
    public RecordingHttpServer(Func<RecordedRequest, RecordedResponse> respond)
    {
        _respond = respond;
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
            try
            {
                _listener.Start();
                BaseUri = new Uri($"http://127.0.0.1:{port}/");
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                // Another process took the port between probing and binding: try another.
            }
        }

        _loop = Task.Run(ServeAsync);
    }

    /// <summary>The server's root address, with a trailing slash.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in context.Request.Headers.AllKeys)
            {
                if (name is not null)
                {
                    headers[name] = context.Request.Headers[name] ?? string.Empty;
                }
            }

            var request = new RecordedRequest(context.Request.HttpMethod, context.Request.Url!.PathAndQuery, headers, body.ToArray());
            _requests.Enqueue(request);

            RecordedResponse response;
            try
            {
                response = _respond(request);
            }
            catch (Exception e)
            {
                response = new RecordedResponse(500, "text/plain", e.ToString());
            }

            context.Response.StatusCode = response.Status;
            context.Response.ContentType = response.ContentType;
            foreach (var (name, value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            var bytes = Encoding.UTF8.GetBytes(response.Body);
            context.Response.ContentLength64 = bytes.Length;
            await context.Response.OutputStream.WriteAsync(bytes);
            context.Response.Close();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Close alone: after a Stop, the managed HttpListener's Close looks its endpoint up again and, finding none,
        // binds the port anew just to release it, which fails when another test has taken the port meanwhile.
        _listener.Close();
        await _loop;
    }
}

/// <summary>One request as it arrived: method, path and query, headers, raw body.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    /// <summary>The body as UTF-8 text.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>The answer the recorder sends.</summary>
public sealed record RecordedResponse(int Status, string ContentType, string Body, IReadOnlyDictionary<string, string>? Headers = null);
