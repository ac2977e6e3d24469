using System.Net;
using System.Net.Sockets;
using System.Text;
using Portable.Aws.Runtime;

namespace Portable.Aws.Tests.Runtime;

/// <summary>
/// The Runtime API client's own HTTP/1.1 against a scripted server on a raw socket: the framings and connection
/// behaviours a server may choose (chunked bodies, closing after an answer, closing an idle connection, answers split
/// over many packets), what it sends, and the errors it gives for what is not HTTP.
/// </summary>
public sealed class RuntimeApiClientWireTests : IAsyncDisposable
{
    private const string NextHeaders = "Lambda-Runtime-Aws-Request-Id: req-1\r\nLambda-Runtime-Deadline-Ms: 1767225600000\r\nLambda-Runtime-Trace-Id: Root=1-abc\r\nLambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:eu-west-1:1:function:f\r\n";

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<string> _requests = [];
    private int _connections;

    public RuntimeApiClientWireTests() => _listener.Start();

    private string RuntimeApi => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public ValueTask DisposeAsync()
    {
        _listener.Stop();
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task GetNext_ContentLength_ReadsTheHeadersAndBody_AndSendsAPlainGet()
    {
        var server = ServeAsync(async (stream, _) => await WriteAsync(stream, $"HTTP/1.1 200 OK\r\n{NextHeaders}Content-Type: application/json\r\nContent-Length: 11\r\n\r\n{{\"a\":\"b c\"}}"));
        using var client = new RuntimeApiClient(RuntimeApi);

        var invocation = await client.GetNextAsync(CancellationToken.None);
        await server;

        Assert.Equal("req-1", invocation.RequestId);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225600000), invocation.Deadline);
        Assert.Equal("Root=1-abc", invocation.TraceId);
        Assert.Equal("arn:aws:lambda:eu-west-1:1:function:f", invocation.InvokedFunctionArn);
        Assert.Equal("""{"a":"b c"}""", Encoding.UTF8.GetString(invocation.Payload.Span));
        Assert.Equal($"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: {RuntimeApi}\r\n\r\n", Assert.Single(_requests));
    }

    [Fact]
    public async Task GetNext_ChunkedBody_IsJoined()
    {
        var server = ServeAsync(async (stream, _) => await WriteAsync(stream, $"HTTP/1.1 200 OK\r\n{NextHeaders}Transfer-Encoding: chunked\r\n\r\n4\r\n{{\"a\"\r\nA;ext=1\r\n:\"0123456\"\r\n1\r\n}}\r\n0\r\nX-Trailer: t\r\n\r\n"));
        using var client = new RuntimeApiClient(RuntimeApi);

        var invocation = await client.GetNextAsync(CancellationToken.None);
        await server;

        Assert.Equal("""{"a":"0123456"}""", Encoding.UTF8.GetString(invocation.Payload.Span));
    }

    [Fact]
    public async Task GetNext_AnswerArrivesOneByteAtATime_AndABodyLargerThanTheBuffer_IsReadWhole()
    {
        var body = new string('x', 200_000);
        var server = ServeAsync(async (stream, _) =>
        {
            foreach (var b in Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\n{NextHeaders}Content-Length: {body.Length}\r\n\r\n"))
            {
                await stream.WriteAsync(new[] { b });
                await stream.FlushAsync();
            }

            await WriteAsync(stream, body);
        });
        using var client = new RuntimeApiClient(RuntimeApi);

        var invocation = await client.GetNextAsync(CancellationToken.None);
        await server;

        Assert.Equal("req-1", invocation.RequestId);
        Assert.Equal(body.Length, invocation.Payload.Length);
    }

    [Fact]
    public async Task PostResponse_SendsContentTypeLengthAndBody_OnTheSameConnectionAsNext()
    {
        var server = ServeAsync(async (stream, _) =>
        {
            await WriteAsync(stream, $"HTTP/1.1 200 OK\r\n{NextHeaders}Content-Length: 2\r\n\r\n{{}}");
            await ReadRequestAsync(stream);
            await WriteAsync(stream, "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}");
        });
        using var client = new RuntimeApiClient(RuntimeApi);

        var invocation = await client.GetNextAsync(CancellationToken.None);
        var answer = await client.PostResponseAsync(invocation.RequestId, "{\"ok\":true}"u8.ToArray(), CancellationToken.None);
        await server;

        Assert.True(answer.Accepted);
        Assert.Equal(1, _connections);
        Assert.Equal(
            $"POST /2018-06-01/runtime/invocation/req-1/response HTTP/1.1\r\nHost: {RuntimeApi}\r\nContent-Type: application/json\r\nContent-Length: 11\r\n\r\n{{\"ok\":true}}",
            _requests[1]);
    }

    [Fact]
    public async Task PostError_NamesTheErrorTypeInItsHeader_WithoutLettingItEndTheHead()
    {
        var server = ServeAsync(async (stream, _) => await WriteAsync(stream, "HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"));
        using var client = new RuntimeApiClient(RuntimeApi);

        var answer = await client.PostErrorAsync("req/1", new LambdaError("Bad\r\nInjected: yes", "boom"), CancellationToken.None);
        await server;

        Assert.True(answer.Accepted);
        var request = Assert.Single(_requests);
        Assert.StartsWith("POST /2018-06-01/runtime/invocation/req%2F1/error HTTP/1.1\r\n", request, StringComparison.Ordinal);
        Assert.Contains("\r\nLambda-Runtime-Function-Error-Type: Bad__Injected: yes\r\n", request, StringComparison.Ordinal);
        Assert.DoesNotContain("\r\nInjected:", request, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerClosesAfterEachAnswer_TheNextCallOpensANewConnection()
    {
        var server = ServeAsync(
            async (stream, _) => await WriteAsync(stream, $"HTTP/1.1 200 OK\r\n{NextHeaders}Connection: close\r\nContent-Length: 2\r\n\r\n{{}}"),
            async (stream, _) => await WriteAsync(stream, $"HTTP/1.0 200 OK\r\n{NextHeaders}\r\n{{\"to\":\"the end\"}}"));
        using var client = new RuntimeApiClient(RuntimeApi);

        await client.GetNextAsync(CancellationToken.None);
        var second = await client.GetNextAsync(CancellationToken.None);
        await server;

        Assert.Equal(2, _connections);
        Assert.Equal("""{"to":"the end"}""", Encoding.UTF8.GetString(second.Payload.Span));
    }

    [Fact]
    public async Task ServerDropsTheIdleConnection_TheRequestIsSentAgainOnANewOne()
    {
        var server = ServeAsync(
            async (stream, connection) =>
            {
                await WriteAsync(stream, $"HTTP/1.1 200 OK\r\n{NextHeaders}Content-Length: 2\r\n\r\n{{}}");
                connection.Client.Close(); // keep-alive promised, then the connection is gone before the next request
            },
            async (stream, _) => await WriteAsync(stream, $"HTTP/1.1 200 OK\r\n{NextHeaders}Content-Length: 2\r\n\r\n[]"));
        using var client = new RuntimeApiClient(RuntimeApi);

        await client.GetNextAsync(CancellationToken.None);
        await Task.Delay(50); // let the close arrive
        var second = await client.GetNextAsync(CancellationToken.None);
        await server;

        Assert.Equal("[]", Encoding.UTF8.GetString(second.Payload.Span));
        Assert.Equal(2, _connections);
    }

    [Fact]
    public async Task NotHttp_IsARuntimeApiExceptionSayingWhatCame()
    {
        var server = ServeAsync(async (stream, _) => await WriteAsync(stream, "SSH-2.0-OpenSSH_9.2\r\n\r\n"));
        using var client = new RuntimeApiClient(RuntimeApi);

        var error = await Assert.ThrowsAsync<RuntimeApiException>(() => client.GetNextAsync(CancellationToken.None));
        await server;

        Assert.Contains("not HTTP/1.x: 'SSH-2.0-OpenSSH_9.2'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NextAnswers500_IsARuntimeApiExceptionWithTheStatusAndBody()
    {
        var server = ServeAsync(async (stream, _) => await WriteAsync(stream, "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 9\r\n\r\nsandboxed"));
        using var client = new RuntimeApiClient(RuntimeApi);

        var error = await Assert.ThrowsAsync<RuntimeApiException>(() => client.GetNextAsync(CancellationToken.None));
        await server;

        Assert.Equal(500, error.StatusCode);
        Assert.Equal("GET next answered 500: sandboxed", error.Message);
    }

    [Fact]
    public async Task ConnectionEndsInTheMiddleOfTheBody_IsAnIOException()
    {
        var server = ServeAsync(async (stream, _) => await WriteAsync(stream, $"HTTP/1.1 200 OK\r\n{NextHeaders}Content-Length: 100\r\n\r\n{{\"cut"));
        using var client = new RuntimeApiClient(RuntimeApi);

        var error = await Assert.ThrowsAsync<IOException>(() => client.GetNextAsync(CancellationToken.None));
        await server;

        Assert.Contains("after 5 of 100 body bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShutdownTokenCancelled_EndsTheLongPollOfNext()
    {
        using var release = new SemaphoreSlim(0);
        var server = ServeAsync(async (_, _) => await release.WaitAsync(TimeSpan.FromSeconds(30)));
        using var client = new RuntimeApiClient(RuntimeApi);
        using var shutdown = new CancellationTokenSource();

        var next = client.GetNextAsync(shutdown.Token);
        await Task.Delay(100);
        Assert.False(next.IsCompleted);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(TimeSpan.FromSeconds(10)));
        release.Release();
        await server;
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:99999")]
    public void NotHostAndPort_IsRefusedNamingTheVariable(string runtimeApi)
    {
        var error = Assert.Throws<ArgumentException>(() => new RuntimeApiClient(runtimeApi));
        Assert.Contains($"AWS_LAMBDA_RUNTIME_API '{runtimeApi}' is not host:port", error.Message, StringComparison.Ordinal);
    }

    // Accepts one connection per script, in order; each script reads requests itself after the first, which is read for it.
    private Task ServeAsync(params Func<NetworkStream, TcpClient, Task>[] scripts) => Task.Run(async () =>
    {
        foreach (var script in scripts)
        {
            using var connection = await _listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));
            Interlocked.Increment(ref _connections);
            var stream = connection.GetStream();
            await ReadRequestAsync(stream);
            await script(stream, connection);
            await stream.FlushAsync();
        }
    });

    // Reads one request (head, and a body of its Content-Length) and keeps its text.
    private async Task ReadRequestAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await stream.ReadAsync(one) == 0)
            {
                return;
            }

            bytes.Add(one[0]);
        }

        var head = Encoding.ASCII.GetString([.. bytes]);
        var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length: ", StringComparison.Ordinal));
        var body = new byte[lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length: ".Length..], System.Globalization.CultureInfo.InvariantCulture)];
        await stream.ReadExactlyAsync(body);
        lock (_requests)
        {
            _requests.Add(head + Encoding.UTF8.GetString(body));
        }
    }

    private static async Task WriteAsync(NetworkStream stream, string text) => await stream.WriteAsync(Encoding.UTF8.GetBytes(text));
}
