using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Portable.Aws.Runtime;

/// <summary>
/// The Lambda Runtime API: <c>next</c>, <c>response</c>, <c>error</c> and <c>init/error</c> under
/// <c>http://${AWS_LAMBDA_RUNTIME_API}/2018-06-01</c>, over one keep-alive HTTP/1.1 connection
/// (<see cref="RuntimeApiConnection"/>). No timeout is set, because the sandbox may be frozen between invocations for
/// an unbounded time while <c>next</c> is outstanding. Calls are made one at a time, as the runtime loop makes them.
/// </summary>
public sealed class RuntimeApiClient : IDisposable
{
    /// <summary>The header naming the error type on <c>/error</c> and <c>/init/error</c>.</summary>
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private const string Version = "/2018-06-01/";

    private readonly RuntimeApiConnection _connection;
    private readonly byte[] _nextRequest;
    private readonly string _host;
    private readonly Lock _gate = new();
    private readonly ArrayBufferWriter<byte> _head = new(256);
    private CancellationToken _watched;
    private CancellationTokenRegistration _watch;

    /// <summary>Creates a client for <paramref name="runtimeApi"/>, the <c>host:port</c> in <c>AWS_LAMBDA_RUNTIME_API</c>.</summary>
    /// <exception cref="ArgumentException"><paramref name="runtimeApi"/> is not <c>host:port</c>.</exception>
    public RuntimeApiClient(string runtimeApi)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runtimeApi);
        var colon = runtimeApi.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(runtimeApi.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"AWS_LAMBDA_RUNTIME_API '{runtimeApi}' is not host:port (for example 127.0.0.1:9001).", nameof(runtimeApi));
        }

        _host = runtimeApi;
        _connection = new RuntimeApiConnection(runtimeApi[..colon].Trim('[', ']'), port);
        _nextRequest = Encoding.ASCII.GetBytes($"GET {Version}runtime/invocation/next HTTP/1.1\r\nHost: {runtimeApi}\r\n\r\n");
    }

    /// <summary>Long-polls <c>GET /runtime/invocation/next</c> until the platform hands over an invocation.</summary>
    /// <exception cref="RuntimeApiException">The Runtime API answered with anything but 200; the runtime should exit.</exception>
    public async Task<RuntimeInvocation> GetNextAsync(CancellationToken cancellationToken)
    {
        Watch(cancellationToken);
        var response = await _connection.SendAsync(_nextRequest, ReadOnlyMemory<byte>.Empty).ConfigureAwait(false);
        if (response.StatusCode != 200)
        {
            throw new RuntimeApiException(response.StatusCode, $"GET next answered {response.StatusCode}: {Excerpt(response.Body)}");
        }

        var headers = response.Headers;
        var requestId = headers.RequestId
            ?? throw new RuntimeApiException(200, "GET next answered without a Lambda-Runtime-Aws-Request-Id header.");
        DateTimeOffset? deadline = long.TryParse(headers.DeadlineMs, NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        return new RuntimeInvocation(requestId, deadline, headers.FunctionArn, headers.TraceId, headers.ClientContext, headers.CognitoIdentity, response.Body);
    }

    /// <summary>Posts the invocation's result to <c>/runtime/invocation/{id}/response</c>.</summary>
    public Task<RuntimeApiAnswer> PostResponseAsync(string requestId, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken) =>
        PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/response", "application/json", payload, errorType: null, cancellationToken);

    /// <summary>Reports a failed invocation to <c>/runtime/invocation/{id}/error</c>.</summary>
    public Task<RuntimeApiAnswer> PostErrorAsync(string requestId, LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync($"runtime/invocation/{Uri.EscapeDataString(requestId)}/error", LambdaError.ContentType, error.ToJson(), error.ErrorType, cancellationToken);
    }

    /// <summary>Reports a failed initialisation to <c>/runtime/init/error</c>; the runtime exits afterwards.</summary>
    public Task<RuntimeApiAnswer> PostInitErrorAsync(LambdaError error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(error);
        return PostAsync("runtime/init/error", LambdaError.ContentType, error.ToJson(), error.ErrorType, cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _watch.Dispose();
        _connection.Dispose();
    }

    /// <summary>
    /// Registers the caller's token, which is the bootstrap's one shutdown token for the process's life, once: its
    /// cancellation closes the connection, which ends an outstanding long poll of <c>next</c>. (A token passed to every
    /// read would cost a registration per call, four an invocation.)
    /// </summary>
    private void Watch(CancellationToken cancellationToken)
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
                    _watch = cancellationToken.UnsafeRegister(static connection => ((RuntimeApiConnection)connection!).Abort(), _connection);
                }
            }
        }
    }

    private async Task<RuntimeApiAnswer> PostAsync(string path, string contentType, ReadOnlyMemory<byte> body, string? errorType, CancellationToken cancellationToken)
    {
        Watch(cancellationToken);
        _head.ResetWrittenCount();
        Append(_head, "POST ");
        Append(_head, Version);
        Append(_head, path);
        Append(_head, " HTTP/1.1\r\nHost: ");
        Append(_head, _host);
        Append(_head, "\r\nContent-Type: ");
        Append(_head, contentType);
        if (errorType is not null)
        {
            Append(_head, "\r\n");
            Append(_head, ErrorTypeHeader);
            Append(_head, ": ");
            Append(_head, HeaderValue(errorType));
        }

        Append(_head, "\r\nContent-Length: ");
        Utf8Formatter.TryFormat(body.Length, _head.GetSpan(11), out var written);
        _head.Advance(written);
        Append(_head, "\r\n\r\n");

        var response = await _connection.SendAsync(_head.WrittenMemory, body).ConfigureAwait(false);

        // 202's body is {"status":"OK"}: only a refusal's explanation is worth decoding.
        return new RuntimeApiAnswer(response.StatusCode, response.StatusCode is >= 200 and < 300 ? string.Empty : Excerpt(response.Body));
    }

    private static void Append(ArrayBufferWriter<byte> head, string text)
    {
        var span = head.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        head.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    // An error type is the handler's exception type name: printable ASCII only, so that it cannot end the header early.
    private static string HeaderValue(string value) =>
        value.AsSpan().ContainsAnyExceptInRange((char)0x20, (char)0x7E)
            ? string.Create(value.Length, value, static (span, text) =>
            {
                for (var i = 0; i < text.Length; i++)
                {
                    span[i] = text[i] is >= (char)0x20 and <= (char)0x7E ? text[i] : '_';
                }
            })
            : value;

    private static string Excerpt(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body);
        return text.Length > 512 ? text[..512] + "…" : text;
    }
}
