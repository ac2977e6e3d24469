using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portable.Emulators;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

/// <summary>
/// The emulator against a fake handler in this process (<see cref="FunctionsHostEmulatorOptions.ExistingHandler"/>),
/// which records what the "host" sent and answers what each test asks.
/// </summary>
public sealed class FunctionsHostEmulatorTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("portable-host-emulator-").FullName;
    private readonly ConcurrentQueue<Received> _received = new();
    private WebApplication _handler = null!;
    private Func<HttpContext, Task> _answer = c => c.Response.WriteAsync("ok");

    private sealed record Received(string Method, string PathAndQuery, IHeaderDictionary Headers, string Body);

    public async Task InitializeAsync()
    {
        _handler = LoopbackServer.Create("Portable.Emulators.Tests.FakeEndpoint");
        _handler.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (context.Request.Path != "/")
            {
                _received.Enqueue(new Received(context.Request.Method, context.Request.Path + context.Request.QueryString, new HeaderDictionary(context.Request.Headers.ToDictionary()), body));
            }

            await _answer(context);
        });
        await _handler.StartAsync();

        File.WriteAllText(Path.Combine(_root, "host.json"), """
            {"version":"2.0","extensions":{"http":{"routePrefix":"api"}},
             "customHandler":{"description":{"defaultExecutablePath":"not-started"},"enableForwardingHttpRequest":true}}
            """);
        WriteFunction("items", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","authLevel":"anonymous","route":"items/{id?}"},{"type":"http","direction":"out","name":"res"}]}""");
        WriteFunction("getonly", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"req","methods":["get"],"route":"only"},{"type":"http","direction":"out","name":"$return"}]}""");
        WriteFunction("withqueue", """{"bindings":[{"type":"httpTrigger","direction":"in","name":"request","route":"orders"},{"type":"http","direction":"out","name":"res"},{"type":"queue","direction":"out","name":"message","queueName":"q"}]}""");
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private void WriteFunction(string name, string json)
    {
        Directory.CreateDirectory(Path.Combine(_root, name));
        File.WriteAllText(Path.Combine(_root, name, "function.json"), json);
    }

    private Task<FunctionsHostEmulator> StartAsync(bool? forward = null)
    {
        var address = LoopbackServer.BaseAddress(_handler);
        return FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions { ScriptRoot = _root, ExistingHandler = address, ForwardHttpRequests = forward });
    }

    [Fact]
    public async Task Forwarding_HttpOnlyFunction_SamePathMethodBodyPlusHostHeaders()
    {
        _answer = async c =>
        {
            c.Response.StatusCode = 418;
            c.Response.Headers["X-From-Handler"] = "yes";
            await c.Response.WriteAsync("teapot");
        };
        await using var host = await StartAsync();
        using var client = host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Put, "/api/items/5?x=1") { Content = new StringContent("hello", Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-Custom", "c");

        using var response = await client.SendAsync(request);

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-From-Handler").Single());
        Assert.Equal("teapot", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(_received);
        Assert.Equal("PUT", received.Method);
        Assert.Equal("/api/items/5?x=1", received.PathAndQuery);
        Assert.Equal("hello", received.Body);
        Assert.Equal("c", received.Headers["X-Custom"].ToString());
        Assert.StartsWith("text/plain", received.Headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(received.Headers[FunctionsHostEmulator.InvocationIdHeader].ToString(), out _));
        Assert.Equal(FunctionsHostEmulatorOptions.DefaultHostVersion, received.Headers[FunctionsHostEmulator.HostVersionHeader].ToString());
        Assert.Equal($"Azure-Functions-Host/{FunctionsHostEmulatorOptions.DefaultHostVersion}", received.Headers.UserAgent.ToString());
    }

    [Fact]
    public async Task Forwarding_FunctionWithExtraBinding_UsesPayloadMode()
    {
        _answer = c => c.Response.WriteAsync("""{"Outputs":{"res":{"statusCode":"202","body":"queued"},"message":"m"},"Logs":["did it"]}""");
        await using var host = await StartAsync();
        using var client = host.CreateClient();

        using var response = await client.PostAsync("/api/orders", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("queued", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(_received);
        Assert.Equal("/withqueue", received.PathAndQuery);
        var invocation = JsonNode.Parse(received.Body)!;
        Assert.Equal("POST", (string)invocation["Data"]!["request"]!["Method"]!);
        Assert.Equal(["did it"], host.HandlerLogs);
    }

    [Fact]
    public async Task Payload_ForwardingOff_PostsDataReqAndMetadataSysToFunctionName()
    {
        _answer = c => c.Response.WriteAsync("""{"Outputs":{"res":{"statusCode":"201","headers":{"Location":"/items/9"},"body":"made"}},"Logs":[],"ReturnValue":null}""");
        await using var host = await StartAsync(forward: false);
        using var client = host.CreateClient();

        using var response = await client.PostAsync("/api/items/9?q=1", new StringContent("""{"a":1}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("/items/9", response.Headers.Location!.OriginalString);
        Assert.Equal("made", await response.Content.ReadAsStringAsync());
        var received = Assert.Single(_received);
        Assert.Equal("POST", received.Method);
        Assert.Equal("/items", received.PathAndQuery);
        Assert.StartsWith("application/json", received.Headers.ContentType.ToString(), StringComparison.Ordinal);
        Assert.True(Guid.TryParse(received.Headers[FunctionsHostEmulator.InvocationIdHeader].ToString(), out _));
        var invocation = JsonNode.Parse(received.Body)!;
        var req = invocation["Data"]!["req"]!;
        Assert.EndsWith("/api/items/9?q=1", (string)req["Url"]!, StringComparison.Ordinal);
        Assert.Equal("9", (string)req["Params"]!["id"]!);
        Assert.Equal("1", (string)req["Query"]!["q"]!);
        Assert.Equal("""{"a":1}""", (string)req["Body"]!);
        Assert.Equal("items", (string)invocation["Metadata"]!["sys"]!["MethodName"]!);
    }

    [Fact]
    public async Task Payload_HandlerAnswersNon2xx_CallerGets500()
    {
        _answer = c =>
        {
            c.Response.StatusCode = 400;
            return c.Response.WriteAsync("bad");
        };
        await using var host = await StartAsync(forward: false);
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/items");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Payload_ReturnBinding_ResponseFromReturnValue()
    {
        _answer = c => c.Response.WriteAsync("""{"Outputs":{},"ReturnValue":{"statusCode":"200","body":"from return"}}""");
        await using var host = await StartAsync(forward: false);
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/api/only");

        Assert.Equal("from return", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("GET", "/api/nothing")]
    [InlineData("GET", "/items")]
    [InlineData("POST", "/api/only")]
    public async Task FrontDoor_NoRouteOrMethodNotListed_Empty404WithoutCallingTheHandler(string method, string path)
    {
        await using var host = await StartAsync();
        using var client = host.CreateClient();

        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(_received);
    }

    [Fact]
    public async Task InvokeAsync_NonHttpTrigger_PostsEnvelopeAndAddsSys()
    {
        _answer = c => c.Response.WriteAsync("""{"Outputs":{"out":"v"},"Logs":["l1"],"ReturnValue":"r"}""");
        await using var host = await StartAsync();
        var data = new JsonObject { ["myQueueItem"] = "hello" };
        var metadata = new JsonObject { ["DequeueCount"] = 1 };

        var result = await host.InvokeAsync("QueueTrigger", data, metadata);

        Assert.True(result.IsSuccess);
        Assert.Equal("v", (string)result.GetOutput("out")!);
        Assert.Equal("r", (string)result.ReturnValue!);
        Assert.Equal(["l1"], result.Logs);
        var received = Assert.Single(_received);
        Assert.Equal("/QueueTrigger", received.PathAndQuery);
        var invocation = JsonNode.Parse(received.Body)!;
        Assert.Equal("hello", (string)invocation["Data"]!["myQueueItem"]!);
        Assert.Equal(1, (int)invocation["Metadata"]!["DequeueCount"]!);
        Assert.Equal("QueueTrigger", (string)invocation["Metadata"]!["sys"]!["MethodName"]!);
        Assert.Null(data.Parent); // inputs are copied, not consumed
        Assert.False(data.ContainsKey("sys"));
    }

    [Fact]
    public async Task InvokeAsync_HandlerFails_ReturnsFailureWithoutThrowing()
    {
        _answer = c =>
        {
            c.Response.StatusCode = 500;
            return Task.CompletedTask;
        };
        await using var host = await StartAsync();

        var result = await host.InvokeAsync("QueueTrigger", new JsonObject(), new JsonObject());

        Assert.False(result.IsSuccess);
        Assert.Equal(500, result.StatusCode);
    }

    [Fact]
    public async Task StartAsync_ExecutableMissing_ThrowsStartException()
    {
        var ex = await Assert.ThrowsAsync<FunctionsHostStartException>(() =>
            FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions { ScriptRoot = _root, ExecutablePath = Path.Combine(_root, "no-such-handler") }));

        Assert.Contains("no-such-handler", ex.Message, StringComparison.Ordinal);
    }
}
