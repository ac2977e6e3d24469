using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Numerics;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portable.Emulators.Gcp;
using Portable.Emulators.Tests.Http;

namespace Portable.Emulators.Tests.Gcp;

/// <summary>
/// <see cref="CloudRunFrontDoor"/> over real HTTP, in front of a loopback "container" that records what reaches it:
/// forwarding, the 32 MiB HTTP/1 request limit and the request timeout.
/// </summary>
public sealed class CloudRunFrontDoorTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<Seen> _seen = new();
    private readonly TaskCompletionSource _upstreamCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _container = null!;
    private Uri _containerAddress = null!;

    public async Task InitializeAsync()
    {
        _container = LoopbackServer.Create("Portable.Emulators.Tests.Container", kestrel: k => k.Limits.MaxRequestBodySize = null);
        _container.Run(async context =>
        {
            long length = 0;
            var scratch = new byte[64 * 1024];
            var first = new MemoryStream();
            int read;
            while ((read = await context.Request.Body.ReadAsync(scratch)) > 0)
            {
                length += read;
                if (first.Length < 1024)
                {
                    first.Write(scratch, 0, Math.Min(read, 1024));
                }
            }

            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            _seen.Enqueue(new Seen(context.Request.Method, context.Request.Path.ToUriComponent() + context.Request.QueryString, headers, length, Encoding.UTF8.GetString(first.ToArray())));
            if (int.TryParse(context.Request.Query["delayMs"], CultureInfo.InvariantCulture, out var delay))
            {
                try
                {
                    await Task.Delay(delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    _upstreamCancelled.TrySetResult();
                    return;
                }
            }

            context.Response.StatusCode = 201;
            context.Response.Headers["X-Container"] = "yes";
            await context.Response.WriteAsync(length.ToString(CultureInfo.InvariantCulture));
        });
        await _container.StartAsync();
        _containerAddress = LoopbackServer.BaseAddress(_container);
    }

    public async Task DisposeAsync() => await _container.DisposeAsync();

    [Fact]
    public async Task Post_ForwardsMethodPathQueryHeadersAndBody_AndAddsCloudRunsHeaders()
    {
        await using var door = await StartAsync();
        using var client = new HttpClient { BaseAddress = door.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Put, "items/a%20b?x=1&y=two") { Content = new StringContent("hello", Encoding.UTF8, "text/plain") };
        request.Headers.Add("X-Test", "one");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Container").Single());
        Assert.Equal("5", await response.Content.ReadAsStringAsync());
        var seen = Assert.Single(_seen);
        Assert.Equal(("PUT", "/items/a%20b?x=1&y=two", "hello"), (seen.Method, seen.PathAndQuery, seen.BodyStart));
        Assert.Equal("one", seen.Headers["X-Test"]);
        Assert.Equal("text/plain; charset=utf-8", seen.Headers["Content-Type"]);
        Assert.Equal(door.BaseAddress.Authority, seen.Headers["Host"]); // the caller's Host, not the container's
        Assert.Equal("127.0.0.1", seen.Headers["X-Forwarded-For"]);
        Assert.Equal("http", seen.Headers["X-Forwarded-Proto"]);

        // A fresh W3C trace, and the same trace and span in Google's header (span id in decimal).
        var traceparent = seen.Headers["traceparent"].Split('-');
        Assert.Equal(4, traceparent.Length);
        Assert.Equal(("00", 32, 16, "00"), (traceparent[0], traceparent[1].Length, traceparent[2].Length, traceparent[3]));
        var span = new BigInteger(Convert.FromHexString(traceparent[2]), isUnsigned: true, isBigEndian: true);
        Assert.Equal($"{traceparent[1]}/{span.ToString(CultureInfo.InvariantCulture)};o=0", seen.Headers["X-Cloud-Trace-Context"]);
        Assert.Equal((1, 0, 0), (door.RequestsForwarded, door.RefusedForSize, door.TimedOut));
    }

    [Fact]
    public async Task Get_CallerSentTraceparentAndForwardedFor_KeepsTheTraceAndAppendsTheCaller()
    {
        await using var door = await StartAsync();
        using var client = new HttpClient { BaseAddress = door.BaseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var seen = Assert.Single(_seen);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", seen.Headers["traceparent"]);
        Assert.Equal("0af7651916cd43dd8448eb211c80319c/13235353014750950193;o=0", seen.Headers["X-Cloud-Trace-Context"]);
        Assert.Equal("203.0.113.7, 127.0.0.1", seen.Headers["X-Forwarded-For"]);
    }

    [Fact]
    public async Task Post_BodyOfExactly32MiB_ReachesTheContainer()
    {
        await using var door = await StartAsync();
        using var client = new HttpClient { BaseAddress = door.BaseAddress };
        using var response = await client.PostAsync("upload", new GeneratedContent(CloudRunFrontDoorOptions.DefaultMaxRequestBodyBytes));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(33_554_432L, Assert.Single(_seen).BodyLength);
        Assert.Equal((1, 0), (door.RequestsForwarded, door.RefusedForSize));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyOver32MiB_Gets413WithGooglesPageAndNeverReachesTheContainer(bool chunked)
    {
        await using var door = await StartAsync();
        using var client = new HttpClient { BaseAddress = door.BaseAddress };
        // By Content-Length the door answers at once (the client waits for 100 Continue); chunked, once the body passes 32 MiB.
        using var request = new HttpRequestMessage(HttpMethod.Post, "upload")
        {
            Content = new GeneratedContent(CloudRunFrontDoorOptions.DefaultMaxRequestBodyBytes + (chunked ? 128 * 1024 : 1), chunked),
        };
        request.Headers.ExpectContinue = !chunked;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains("<title>413 Request Entity Too Large</title>", page, StringComparison.Ordinal);
        Assert.Contains("Your client issued a request that was too large.", page, StringComparison.Ordinal);
        Assert.Empty(_seen);
        Assert.Equal((0, 1), (door.RequestsForwarded, door.RefusedForSize));
    }

    [Fact]
    public async Task Post_SmallerLimitSet_RefusesOneByteOverIt()
    {
        await using var door = await StartAsync(o => o.MaxRequestBodyBytes = 1000);
        using var client = new HttpClient { BaseAddress = door.BaseAddress };
        using var fits = await client.PostAsync("upload", new GeneratedContent(1000));
        using var over = await client.PostAsync("upload", new GeneratedContent(1001));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.RequestEntityTooLarge), (fits.StatusCode, over.StatusCode));
        Assert.Equal(1000L, Assert.Single(_seen).BodyLength);
    }

    [Fact]
    public async Task Get_ContainerAnswersWithinTheTimeout_PassesThrough()
    {
        await using var door = await StartAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(3));
        using var client = new HttpClient { BaseAddress = door.BaseAddress };
        using var response = await client.GetAsync("work?delayMs=100");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal((1, 0), (door.RequestsForwarded, door.TimedOut));
    }

    [Fact]
    public async Task Get_ContainerSlowerThanTheTimeout_Gets504UpstreamRequestTimeoutAndTheUpstreamRequestIsClosed()
    {
        await using var door = await StartAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(500));
        using var client = new HttpClient { BaseAddress = door.BaseAddress };
        var clock = Stopwatch.StartNew();
        using var response = await client.GetAsync("work?delayMs=20000");
        clock.Stop();

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("upstream request timeout", await response.Content.ReadAsStringAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(10));
        await _upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10)); // the container saw its request aborted
        Assert.Equal((1, 1), (door.RequestsForwarded, door.TimedOut));
    }

    [Fact]
    public void Options_Defaults_AreCloudRunsLimits()
    {
        var options = new CloudRunFrontDoorOptions { Target = new Uri("http://127.0.0.1:8080/") };

        Assert.Equal(33_554_432L, options.MaxRequestBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(300), options.RequestTimeout);
    }

    private Task<CloudRunFrontDoor> StartAsync(Action<CloudRunFrontDoorOptions>? configure = null)
    {
        var options = new CloudRunFrontDoorOptions { Target = _containerAddress };
        configure?.Invoke(options);
        return CloudRunFrontDoor.StartAsync(options);
    }

    private sealed record Seen(string Method, string PathAndQuery, Dictionary<string, string> Headers, long BodyLength, string BodyStart);
}
