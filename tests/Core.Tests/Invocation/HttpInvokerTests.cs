using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Invocation;

public sealed class HttpInvokerTests
{
    private static readonly HttpHandler NoContent = (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(204));

    /// <summary>One function, <c>things</c>: GET and POST on <c>/things</c>, GET on <c>/things/{id}</c>; <paramref name="handler"/> answers them all.</summary>
    private static FunctionManifest Things(HttpHandler? handler = null) => new FunctionManifestBuilder()
        .AddHttp("things", r => r
            .Map("GET", "/things", handler ?? NoContent)
            .Map("POST", "/things", handler ?? NoContent)
            .Map("GET", "/things/{id}", handler ?? NoContent))
        .Build();

    private static JsonElement Json(PortableHttpResponse response) => JsonDocument.Parse(response.Body).RootElement;

    [Fact]
    public async Task InvokeAsync_UnknownPath_Returns404WithJsonError()
    {
        await using var host = new FunctionTestHost(Things());
        var response = await host.SendAsync("GET", "/nowhere");
        Assert.Equal(404, response.StatusCode);
        Assert.Contains("/nowhere", Json(response).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_WrongMethod_Returns405WithAllow()
    {
        await using var host = new FunctionTestHost(Things());
        var response = await host.SendAsync("PATCH", "/things");
        Assert.Equal(405, response.StatusCode);
        Assert.Equal("GET, POST", response.Headers["Allow"]);
    }

    [Fact]
    public async Task InvokeAsync_BodyOverLimit_Returns413BeforeHandler()
    {
        var calls = 0;
        await using var host = new FunctionTestHost(
            Things((_, _, _) =>
            {
                calls++;
                return ValueTask.FromResult(PortableHttpResponse.Empty(201));
            }),
            configure: o => o.Host = h => h.MaxRequestBodyBytes = 10);
        var response = await host.SendAsync("POST", "/things", "{\"name\":\"long enough\",\"price\":1}");
        Assert.Equal(413, response.StatusCode);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task InvokeAsync_RouteValues_ReachTheHandler()
    {
        await using var host = new FunctionTestHost(Things((request, _, _) =>
            ValueTask.FromResult(new PortableHttpResponse { StatusCode = 200, Body = Encoding.UTF8.GetBytes(request.RouteValues["id"]) })));
        var response = await host.SendAsync("GET", "/things/a%20b");
        Assert.Equal("a b", Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_Returns500WithCorrelationIdAndLogsStack()
    {
        await using var host = new FunctionTestHost(Things((_, _, _) => throw new InvalidOperationException("kaput")));
        var response = await host.SendAsync(HttpRequestBuilder.Get("/things"), new InvocationInfo(InvocationId: "inv-7"));

        Assert.Equal(500, response.StatusCode);
        Assert.Equal("inv-7", Json(response).GetProperty("details").GetProperty("correlationId").GetString());
        Assert.Equal("inv-7", response.Headers["X-Correlation-Id"]);
        Assert.DoesNotContain("kaput", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
        var logged = Assert.Single(host.Logs.AtLeast(LogLevel.Error));
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Equal(1001, logged.EventId.Id);
        Assert.Contains("inv-7", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DeadlinePasses_CancelsHandlerAndReturns504()
    {
        var started = new TaskCompletionSource();
        await using var host = new FunctionTestHost(Things(async (_, context, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return PortableHttpResponse.Empty(200);
        }));
        var pending = host.SendAsync(HttpRequestBuilder.Get("/things"), new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(3)));
        await started.Task;
        host.Clock.Advance(TimeSpan.FromSeconds(4));

        var response = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(504, response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_SecondInvocation_IsNotColdStart()
    {
        var flags = new List<bool>();
        await using var host = new FunctionTestHost(Things((_, context, _) =>
        {
            flags.Add(context.IsColdStart);
            return ValueTask.FromResult(PortableHttpResponse.Empty(204));
        }));
        await host.SendAsync("GET", "/things");
        await host.SendAsync("GET", "/things");
        Assert.Equal([true, false], flags);
    }

    [Fact]
    public async Task InvokeAsync_ContextCarriesInvocationFacts()
    {
        FunctionContext? seen = null;
        await using var host = new FunctionTestHost(
            Things((_, context, _) =>
            {
                seen = context;
                return ValueTask.FromResult(PortableHttpResponse.Empty(204));
            }),
            configure: o => o.Host = h => h.Cloud = CloudProvider.Aws);
        var deadline = host.Clock.GetUtcNow().AddSeconds(30);
        await host.SendAsync(
            HttpRequestBuilder.Get("/things"),
            new InvocationInfo("req-1", deadline, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "Root=1-abc"));

        Assert.NotNull(seen);
        Assert.Equal("req-1", seen.InvocationId);
        Assert.Equal("things", seen.FunctionName);
        Assert.Equal(CloudProvider.Aws, seen.Cloud);
        Assert.Equal(TimeSpan.FromSeconds(30), seen.RemainingTime);
        Assert.Equal("Root=1-abc", seen.PlatformTraceId);
        Assert.StartsWith("00-0af7", seen.TraceParent, StringComparison.Ordinal);
        Assert.Equal(1, seen.DeliveryCount);
    }

    [Fact]
    public void Constructor_FunctionTargetUnknown_Throws() =>
        Assert.ThrowsAny<Exception>(() => new FunctionTestHost(Things(), configure: o => o.Host = h => h.FunctionTarget = "nope"));

    [Fact]
    public async Task InvokeAsync_FunctionTargetSet_ServesOnlyThatFunction()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("a", r => r.Map("GET", "/a", NoContent))
            .AddHttp("b", r => r.Map("GET", "/b", NoContent))
            .Build();
        await using var host = new FunctionTestHost(manifest, configure: o => o.Host = h => h.FunctionTarget = "a");
        Assert.Equal(204, (await host.SendAsync("GET", "/a")).StatusCode);
        Assert.Equal(404, (await host.SendAsync("GET", "/b")).StatusCode);
    }
}
