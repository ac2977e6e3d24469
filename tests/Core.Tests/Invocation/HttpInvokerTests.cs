using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.TestKit;

namespace Portable.Core.Tests.Invocation;

public sealed class HttpInvokerTests
{
    private static FunctionManifest FaultyManifest(HttpHandler handler) =>
        new FunctionManifestBuilder().AddHttp("faulty", r => r.Map("GET", "/boom", handler)).Build();

    private static JsonElement Json(PortableHttpResponse response) => JsonDocument.Parse(response.Body).RootElement;

    [Fact]
    public async Task InvokeAsync_UnknownPath_Returns404WithJsonError()
    {
        using var host = new InvokerHarness();
        var response = await host.SendAsync("GET", "/nowhere");
        Assert.Equal(404, response.StatusCode);
        Assert.Contains("/nowhere", Json(response).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_WrongMethod_Returns405WithAllow()
    {
        using var host = new InvokerHarness();
        var response = await host.SendAsync("PATCH", "/items");
        Assert.Equal(405, response.StatusCode);
        Assert.Equal("GET, POST", response.Headers["Allow"]);
    }

    [Fact]
    public async Task InvokeAsync_BodyOverLimit_Returns413BeforeHandler()
    {
        using var host = new InvokerHarness(options: o => o.MaxRequestBodyBytes = 10);
        var response = await host.SendAsync("POST", "/items", "{\"name\":\"long enough\",\"price\":1}");
        Assert.Equal(413, response.StatusCode);
        Assert.Empty((await host.Store.ListAsync("items", 10)).Entries);
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_Returns500WithCorrelationIdAndLogsStack()
    {
        using var host = new InvokerHarness(manifest: FaultyManifest((_, _, _) => throw new InvalidOperationException("kaput")));
        var response = await host.Invoker.InvokeAsync(
            new PortableHttpRequest { Method = "GET", Path = "/boom" }, new InvocationInfo(InvocationId: "inv-7"), CancellationToken.None);

        Assert.Equal(500, response.StatusCode);
        Assert.Equal("inv-7", Json(response).GetProperty("details").GetProperty("correlationId").GetString());
        Assert.Equal("inv-7", response.Headers["X-Correlation-Id"]);
        Assert.DoesNotContain("kaput", Encoding.UTF8.GetString(response.Body.Span), StringComparison.Ordinal);
        var logged = Assert.Single(host.Logs.Entries, e => e.Level == LogLevel.Error);
        Assert.IsType<InvalidOperationException>(logged.Exception);
        Assert.Contains("inv-7", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DeadlinePasses_CancelsHandlerAndReturns504()
    {
        var started = new TaskCompletionSource();
        using var host = new InvokerHarness(manifest: FaultyManifest(async (_, context, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return PortableHttpResponse.Empty(200);
        }));
        var pending = host.Invoker.InvokeAsync(
            new PortableHttpRequest { Method = "GET", Path = "/boom" },
            new InvocationInfo(Deadline: host.Time.GetUtcNow().AddSeconds(3)),
            CancellationToken.None);
        await started.Task;
        host.Time.Advance(TimeSpan.FromSeconds(4));

        var response = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(504, response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_SecondInvocation_IsNotColdStart()
    {
        var flags = new List<bool>();
        using var host = new InvokerHarness(manifest: FaultyManifest((_, context, _) =>
        {
            flags.Add(context.IsColdStart);
            return ValueTask.FromResult(PortableHttpResponse.Empty(204));
        }));
        await host.SendAsync("GET", "/boom");
        await host.SendAsync("GET", "/boom");
        Assert.Equal([true, false], flags);
    }

    [Fact]
    public async Task InvokeAsync_ContextCarriesInvocationFacts()
    {
        FunctionContext? seen = null;
        using var host = new InvokerHarness(
            options: o => o.Cloud = CloudProvider.Aws,
            manifest: FaultyManifest((_, context, _) =>
            {
                seen = context;
                return ValueTask.FromResult(PortableHttpResponse.Empty(204));
            }));
        var deadline = host.Time.GetUtcNow().AddSeconds(30);
        await host.Invoker.InvokeAsync(
            new PortableHttpRequest { Method = "GET", Path = "/boom" },
            new InvocationInfo("req-1", deadline, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "Root=1-abc"),
            CancellationToken.None);

        Assert.NotNull(seen);
        Assert.Equal("req-1", seen.InvocationId);
        Assert.Equal("faulty", seen.FunctionName);
        Assert.Equal(CloudProvider.Aws, seen.Cloud);
        Assert.Equal(TimeSpan.FromSeconds(30), seen.RemainingTime);
        Assert.Equal("Root=1-abc", seen.PlatformTraceId);
        Assert.StartsWith("00-0af7", seen.TraceParent, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_FunctionTargetUnknown_Throws() =>
        Assert.ThrowsAny<Exception>(() => new InvokerHarness(options: o => o.FunctionTarget = "nope"));

    [Fact]
    public async Task InvokeAsync_FunctionTargetSet_ServesOnlyThatFunction()
    {
        var manifest = new FunctionManifestBuilder()
            .AddHttp("a", r => r.Map("GET", "/a", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(204))))
            .AddHttp("b", r => r.Map("GET", "/b", (_, _, _) => ValueTask.FromResult(PortableHttpResponse.Empty(204))))
            .Build();
        using var host = new InvokerHarness(options: o => o.FunctionTarget = "a", manifest: manifest);
        Assert.Equal(204, (await host.SendAsync("GET", "/a")).StatusCode);
        Assert.Equal(404, (await host.SendAsync("GET", "/b")).StatusCode);
    }
}
