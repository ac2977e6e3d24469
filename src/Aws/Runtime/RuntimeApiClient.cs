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
    }

    /// <summary>Long-polls <c>GET /runtime/invocation/next</c> until the platform hands over an invocation.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with anything but 200; the runtime should exit.</exception>
    public async Task<RuntimeInvocation> GetNextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(_next, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new RuntimeApiException((int)response.StatusCode, $"GET next answered {(int)response.StatusCode}: {await ReadTextAsync(response, cancellationToken).ConfigureAwait(false)}");
        }

        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException(200, "GET next answered without a Lambda-Runtime-Aws-Request-Id header.");
        DateTimeOffset? deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new RuntimeInvocation(
            requestId,
            deadline,
            Header(response, "Lambda-Runtime-Invoked-Function-Arn"),
            Header(response, "Lambda-Runtime-Trace-Id"),
            Header(response, "Lambda-Runtime-Client-Context"),
            Header(response, "Lambda-Runtime-Cognito-Identity"),
            payload);
    }

    /// <summary>Posts the invocation's result to <c>/runtime/invocation/{id}/response</c>.</summary>
    public Task<RuntimeApiAnswer> PostResponseAsync(string requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var content = new ReadOnlyMemoryContent(payload);
        content.Headers.TryAddWithoutValidation("Content-Type", "application/json"); // a constant: no header value to parse and validate
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", content, errorType: null, cancellationToken);
    }

    /// <summary>Reports a failed invocation to <c>/runtime/invocation/{id}/error</c>.</summary>
    public Task<RuntimeApiAnswer> PostErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", ErrorContent(error), error.ErrorType, cancellationToken);
    }

    /// <summary>Reports a failed initialisation to <c>/runtime/init/error</c>; the runtime exits afterwards.</summary>
    public Task<RuntimeApiAnswer> PostInitErrorAsync(LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync("runtime/init/error", ErrorContent(error), error.ErrorType, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static ByteArrayContent ErrorContent(LambdaError error)
    {
        var content = new ByteArrayContent(error.ToJson());
        content.Headers.ContentType = new MediaTypeHeaderValue(LambdaError.ContentType);
        return content;
    }

    private async Task<RuntimeApiAnswer> PostAsync(string path, HttpContent content, string? errorType, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (errorType is not null)
        {
            request.Headers.TryAddWithoutValidation(ErrorTypeHeader, errorType);
        }

        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // 202's body is {"status":"OK"}: only a refusal's explanation is worth decoding.
        var status = (int)response.StatusCode;
        return new RuntimeApiAnswer(status, status is >= 200 and < 300 ? string.Empty : await ReadTextAsync(response, cancellationToken).ConfigureAwait(false));
    }

    // The raw values, as sent: these headers are the Runtime API's own, and parsing them as HTTP headers would only cost time.
    private static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values))
        {
            foreach (var value in values)
            {
                if (value.Length > 0)
                {
                    return value;
                }
            }
        }

        return null;
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Length > 512 ? text[..512] + "…" : text;
    }
}
