using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Portable.Aws.Runtime;

/// <summary>
/// The Lambda Runtime API over plain <see cref="HttpClient"/>: <c>next</c>, <c>response</c>, <c>error</c> and
/// <c>init/error</c> under <c>http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01</c>. No client timeout is set, because the
/// sandbox may be frozen between invocations for an unbounded time while <c>next</c> is outstanding.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>The header naming the error type on <c>/error</c> and <c>/init/error</c>.</summary>
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly HttpClient _http;
    private readonly Uri _next;
    private readonly string _invocationPrefix;
    private readonly Lock _gate = new();
    private CancellationToken _watched;
    private CancellationTokenRegistration _watch;

    /// <summary>Creates a client for <paramref name="runtimeApi"/>, the <c>host:port</c> in <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    public RuntimeApiClient(string runtimeApi, HttpMessageHandler? handler = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        handler ??= new SocketsHttpHandler
        {
            UseProxy = false, // the Runtime API is on loopback inside the sandbox; a proxy variable must not divert it
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            BaseAddress = new Uri($"http://{runtimeApi}/2018-06-01/", UriKind.Absolute),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _next = new Uri(_http.BaseAddress, "runtime/invocation/next");
        _invocationPrefix = _http.BaseAddress.AbsoluteUri + "runtime/invocation/";
    }

    /// <summary>Long-polls <c>GET /runtime/invocation/next</c> until the platform hands over an invocation.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with anything but 200; the runtime should exit.</exception>
    public async Task<RuntimeInvocation> GetNextAsync(CancellationToken cancellationToken)
    {
        var token = Watch(cancellationToken);
        using var response = await _http.GetAsync(_next, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RuntimeApiException((int)response.StatusCode, $"GET next answered {(int)response.StatusCode}: {await ReadTextAsync(response, token).ConfigureAwait(false)}");
        }

        var headers = new InvocationHeaders(response);
        var requestId = headers.RequestId
            ?? throw new RuntimeApiException(200, "GET next answered without a Lambda-Runtime-Aws-Request-Id header.");
        DateTimeOffset? deadline = long.TryParse(headers.DeadlineMs, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        var payload = await response.Content.ReadAsByteArrayAsync(token).ConfigureAwait(false);
        return new RuntimeInvocation(requestId, deadline, headers.FunctionArn, headers.TraceId, headers.ClientContext, headers.CognitoIdentity, payload);
    }

    /// <summary>Posts the invocation's result to <c>/runtime/invocation/{id}/response</c>.</summary>
    public Task<RuntimeApiAnswer> PostResponseAsync(string requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(payload);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json"); // a constant: no header value to parse and validate
        return PostAsync(InvocationUri(requestId, "/response"), content, errorType: null, cancellationToken);
    }

    /// <summary>Reports a failed invocation to <c>/runtime/invocation/{id}/error</c>.</summary>
    public Task<RuntimeApiAnswer> PostErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync(InvocationUri(requestId, "/error"), ErrorContent(error), error.ErrorType, cancellationToken);
    }

    /// <summary>Reports a failed initialisation to <c>/runtime/init/error</c>; the runtime exits afterwards.</summary>
    public Task<RuntimeApiAnswer> PostInitErrorAsync(LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync(new Uri(_http.BaseAddress!, "runtime/init/error"), ErrorContent(error), error.ErrorType, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watch.Dispose();
        _http.Dispose();
    }

    // The absolute URI of an invocation's endpoint, parsed once (a relative one is parsed, then combined with the base).
    private Uri InvocationUri(string requestId, string endpoint) =>
        new(string.Concat(_invocationPrefix, Uri.EscapeDataString(requestId), endpoint), UriKind.Absolute);

    /// <summary>
    /// The token to pass to <see cref="HttpClient"/>: none. Given a caller's token that can be cancelled, HttpClient
    /// links it with its own for every request (a new source and two registrations, twice an invocation); instead the
    /// caller's token, which is the bootstrap's one shutdown token for the process's life, is registered once to cancel
    /// the client's pending requests, which ends an outstanding long poll of <c>next</c> just the same.
    /// </summary>
    private CancellationToken Watch(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (cancellationToken.CanBeCanceled && cancellationToken != _watched)
        {
            lock (_gate)
            {
                if (cancellationToken != _watched)
                {
                    _watch.Dispose();
                    _watched = cancellationToken;
                    _watch = cancellationToken.UnsafeRegister(static client => ((HttpClient)client!).CancelPendingRequests(), _http);
                }
            }
        }

        return CancellationToken.None;
    }

    private static ByteArrayContent ErrorContent(LambdaError error)
    {
        var content = new ByteArrayContent(error.ToJson());
        content.Headers.ContentType = new MediaTypeHeaderValue(LambdaError.ContentType);
        return content;
    }

    private async Task<RuntimeApiAnswer> PostAsync(Uri uri, HttpContent content, string? errorType, CancellationToken cancellationToken)
    {
        var token = Watch(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        }

        using var response = await _http.SendAsync(request, token).ConfigureAwait(false);

        // 202's body is {"status":"OK"}: only a refusal's explanation is worth decoding.
        var status = (int)response.StatusCode;
        return new RuntimeApiAnswer(status, status is >= 200 and < 300 ? string.Empty : await ReadTextAsync(response, token).ConfigureAwait(false));
    }

    /// <summary>
    /// The Runtime API's headers on a <c>next</c> response, read in one pass over the raw values as sent (they are the
    /// Runtime API's own, and parsing them as HTTP headers would only cost time); the first non-empty value of each.
    /// </summary>
    private readonly struct InvocationHeaders
    {
        public InvocationHeaders(HttpResponseMessage response)
        {
            foreach (var (name, values) in response.Headers.NonValidated)
            {
                if (!name.StartsWith("Lambda-Runtime-", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var field = name.AsSpan("Lambda-Runtime-".Length);
                if (field.Equals("Aws-Request-Id", StringComparison.OrdinalIgnoreCase))
                {
                    RequestId ??= First(values);
                }
                else if (field.Equals("Deadline-Ms", StringComparison.OrdinalIgnoreCase))
                {
                    DeadlineMs ??= First(values);
                }
                else if (field.Equals("Trace-Id", StringComparison.OrdinalIgnoreCase))
                {
                    TraceId ??= First(values);
                }
                else if (field.Equals("Invoked-Function-Arn", StringComparison.OrdinalIgnoreCase))
                {
                    FunctionArn ??= First(values);
                }
                else if (field.Equals("Client-Context", StringComparison.OrdinalIgnoreCase))
                {
                    ClientContext ??= First(values);
                }
                else if (field.Equals("Cognito-Identity", StringComparison.OrdinalIgnoreCase))
                {
                    CognitoIdentity ??= First(values);
                }
            }
        }

        public string? RequestId { get; }

        public string? DeadlineMs { get; }

        public string? TraceId { get; }

        public string? FunctionArn { get; }

        public string? ClientContext { get; }

        public string? CognitoIdentity { get; }

        private static string? First(HeaderStringValues values)
        {
            foreach (var value in values)
            {
                if (value.Length > 0)
                {
                    return value;
                }
            }

            return null;
        }
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Length > 512 ? text[..512] + "…" : text;
    }
}
