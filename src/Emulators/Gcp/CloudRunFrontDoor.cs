using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Portable.Emulators.Gcp;

/// <summary>
/// Cloud Run's front end on a free loopback port, as a reverse proxy in front of a container's port
/// (<see cref="CloudRunFrontDoorOptions.Target"/>): it forwards method, path and query, headers and body, adds
/// <c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c> and (when absent) <c>traceparent</c> and
/// <c>X-Cloud-Trace-Context</c>, and enforces the two limits a caller meets there — the HTTP/1 request size (413 with
/// Google's error page, the container never sees the request) and the request timeout (504, the upstream request is
/// cancelled). The body is buffered before forwarding, as the front end does for an HTTP/1 container (no HTTP/2 end-to-end).
/// </summary>
public sealed class CloudRunFrontDoor : IAsyncDisposable
{
    // Google's front end error page for a too-large request, as callers have captured it (zhaofengli/attic#220,
    // ahmetoner/whisper-asr-webservice#143), without its cookie-clearing script.
    private const string TooLargePage =
        "<html><head>\n<meta http-equiv=\"content-type\" content=\"text/html;charset=utf-8\">\n" +
        "<title>413 Request Entity Too Large</title>\n</head>\n<body text=#000000 bgcolor=#ffffff>\n" +
        "<h1>Error: Request Entity Too Large</h1>\n<h2>Your client issued a request that was too large.\n</h2>\n</body></html>\n";

    // Cloud Run's answer when the request timeout is reached: 504, text/plain "upstream request timeout"
    // (fastapi/fastapi#2812; the log says "The request has been terminated because it has reached the maximum request timeout").
    private const string TimeoutBody = "upstream request timeout";

    private static readonly HashSet<string> NotForwarded = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Expect", "Host", "Content-Length",
    };

    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Trailer", "Upgrade",
    };

    private readonly WebApplication _app;
    private readonly CloudRunFrontDoorOptions _options;
    private readonly HttpClient _upstream = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    private long _forwarded;
    private long _refusedForSize;
    private long _timedOut;
    private long _upstreamFailures;

    private CloudRunFrontDoor(WebApplication app, CloudRunFrontDoorOptions options)
    {
        _app = app;
        _options = options;
    }

    /// <summary>Where callers send requests, e.g. <c>http://127.0.0.1:5123/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The settings this door runs with.</summary>
    public CloudRunFrontDoorOptions Options => _options;

    /// <summary>Requests sent on to the container.</summary>
    public long RequestsForwarded => Interlocked.Read(ref _forwarded);

    /// <summary>Requests refused with 413 for a body over <see cref="CloudRunFrontDoorOptions.MaxRequestBodyBytes"/>.</summary>
    public long RefusedForSize => Interlocked.Read(ref _refusedForSize);

    /// <summary>Requests the container did not answer within <see cref="CloudRunFrontDoorOptions.RequestTimeout"/>.</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Requests that failed because the container could not be reached or broke the connection (503).</summary>
    public long UpstreamFailures => Interlocked.Read(ref _upstreamFailures);

    /// <summary>Starts the door in front of <see cref="CloudRunFrontDoorOptions.Target"/>.</summary>
    public static async Task<CloudRunFrontDoor> StartAsync(CloudRunFrontDoorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Target);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxRequestBodyBytes);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero);

        // No body limit in Kestrel: the door's own 413 comes from MaxRequestBodyBytes.
        var app = LoopbackServer.Create("Portable.Emulators.CloudRunFrontDoor", options.Port, k => k.Limits.MaxRequestBodySize = null);
        var door = new CloudRunFrontDoor(app, options);
        app.Run(door.HandleAsync);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        door.BaseAddress = LoopbackServer.BaseAddress(app);
        return door;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _upstream.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await BoundedBody.ReadAsync(context.Request, _options.MaxRequestBodyBytes).ConfigureAwait(false);
        if (body is null)
        {
            Interlocked.Increment(ref _refusedForSize);
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await WriteTextAsync(context, "text/html; charset=UTF-8", TooLargePage).ConfigureAwait(false);
            return;
        }

        using var request = BuildRequest(context, body);
        using var timeout = new CancellationTokenSource(_options.RequestTimeout, _options.TimeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, context.RequestAborted);
        Interlocked.Increment(ref _forwarded);
        try
        {
            using var response = await _upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopByHop.Contains(name))
                {
                    context.Response.Headers.Append(name, values.ToArray());
                }
            }

            var stream = await response.Content.ReadAsStreamAsync(linked.Token).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                await stream.CopyToAsync(context.Response.Body, linked.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
        {
            // Cancelling the token closed the connection to the container; the caller gets Cloud Run's 504.
            Interlocked.Increment(ref _timedOut);
            if (context.Response.HasStarted)
            {
                context.Abort(); // the answer was streaming: the front end cuts it off
                return;
            }

            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
            await WriteTextAsync(context, "text/plain", TimeoutBody).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // the caller went away; the upstream request was cancelled with it
        }
        catch (HttpRequestException)
        {
            // The container refused or broke the connection: Cloud Run answers 503 [unverified: status from
            // GoogleCloudPlatform/esp-v2#438, body not captured].
            Interlocked.Increment(ref _upstreamFailures);
            if (context.Response.HasStarted)
            {
                context.Abort();
                return;
            }

            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }
    }

    private HttpRequestMessage BuildRequest(HttpContext context, byte[] body)
    {
        var source = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? (source.PathBase + source.Path + source.QueryString).ToString();
        var request = new HttpRequestMessage(new HttpMethod(source.Method), new Uri(_options.Target, rawTarget));
        if (body.Length > 0 || source.ContentLength is not null || source.Headers.ContainsKey("Transfer-Encoding"))
        {
            request.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in source.Headers)
        {
            if (NotForwarded.Contains(name) || name.Equals("X-Forwarded-For", StringComparison.OrdinalIgnoreCase) || name.Equals("X-Forwarded-Proto", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        // Cloud Run keeps the caller's Host and appends the caller's address to X-Forwarded-For.
        request.Headers.Host = source.Host.Value;
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        var forwardedFor = source.Headers["X-Forwarded-For"].ToString();
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Length == 0 ? client : forwardedFor + ", " + client);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", source.Scheme);
        AddTraceHeaders(request, source.Headers);
        return request;
    }

    // traceparent (W3C) and X-Cloud-Trace-Context (TRACE_ID/SPAN_ID;o=OPTIONS, span id in decimal) for the same trace
    // when the caller sent neither (cloud.google.com/trace/docs/trace-context).
    private static void AddTraceHeaders(HttpRequestMessage request, IHeaderDictionary headers)
    {
        var traceparent = headers["traceparent"].ToString();
        var cloudTrace = headers["X-Cloud-Trace-Context"].ToString();
        string traceId;
        string spanId;
        var parts = traceparent.Split('-');
        if (parts is [_, { Length: 32 } tid, { Length: 16 } sid, _])
        {
            (traceId, spanId) = (tid, sid);
        }
        else
        {
            traceId = cloudTrace.Split('/')[0] is { Length: 32 } cloudTraceId ? cloudTraceId.ToLowerInvariant() : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            spanId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
            request.Headers.TryAddWithoutValidation("traceparent", $"00-{traceId}-{spanId}-00");
        }

        if (cloudTrace.Length == 0)
        {
            var span = new BigInteger(Convert.FromHexString(spanId), isUnsigned: true, isBigEndian: true);
            request.Headers.TryAddWithoutValidation("X-Cloud-Trace-Context", $"{traceId}/{span.ToString(CultureInfo.InvariantCulture)};o=0");
        }
    }

    private static Task WriteTextAsync(HttpContext context, string contentType, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = bytes.Length;
        return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
    }
}
