using System.Diagnostics;
using System.Net;
using Portable.Emulators.Azure.Isolated;
using Portable.Emulators.Tests.Http;

namespace Portable.Emulators.Tests.Azure.Isolated;

/// <summary>
/// The Functions host's HTTP front door limits on the real isolated worker: the request length limit (refused before the
/// worker is invoked) and the load balancer's response timeout (502 while the invocation keeps running).
/// </summary>
public sealed class IsolatedFunctionsHostLimitsTests(IsolatedLimitsHostFixture fixture) : IClassFixture<IsolatedLimitsHostFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);
    private readonly IsolatedFunctionsHost _host = fixture.Host;

    [Fact]
    public void Options_Defaults_AreTheFunctionsLimits()
    {
        var options = new IsolatedFunctionsHostOptions { AppDirectory = "app" };

        Assert.Equal(104_857_600L, options.MaxRequestBodyBytes);
        Assert.Equal(TimeSpan.FromSeconds(230), options.HttpResponseTimeout);
    }

    [Fact]
    public async Task Post_BodyAtTheLimit_ReachesTheFunction()
    {
        using var client = _host.CreateClient();
        using var response = await client.PostAsync("items", new GeneratedContent(IsolatedLimitsHostFixture.MaxRequestBodyBytes));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("262144", response.Headers.GetValues("X-Body-Length").Single());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Post_BodyOverTheLimit_GetsTheHostsEmpty500AndTheFunctionIsNotInvoked(bool chunked)
    {
        var name = chunked ? "over-chunked" : "over-length";
        using var client = _host.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"log/{name}")
        {
            Content = new GeneratedContent(IsolatedLimitsHostFixture.MaxRequestBodyBytes + 1, chunked),
        };
        request.Headers.ExpectContinue = !chunked;
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());

        // The same function with a body that fits logs at once: the refused one never ran (its log would have come first).
        using var fits = await client.PostAsync($"log/{name}", new GeneratedContent(1024));
        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        var invocationId = await fits.Content.ReadAsStringAsync();
        await _host.WaitForLogAsync(l => l.InvocationId == invocationId && l.Message == $"hello from {name}", Wait);
        Assert.Single(_host.Logs, l => l.Message == $"hello from {name}");
    }

    [Fact]
    public async Task Get_FunctionAnswersWithinTheTimeout_PassesThrough()
    {
        using var client = _host.CreateClient();
        using var response = await client.GetAsync("echo/quick?delayMs=300");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Get_FunctionSlowerThanTheTimeout_Gets502AndTheInvocationKeepsRunning()
    {
        var clock = Stopwatch.StartNew();
        using (var client = _host.CreateClient())
        {
            using var response = await client.GetAsync("slow"); // the function waits 30 s unless cancelled
            clock.Stop();

            Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
            Assert.Empty(await response.Content.ReadAsByteArrayAsync());
            Assert.InRange(clock.Elapsed, IsolatedLimitsHostFixture.HttpResponseTimeout - TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(20));
        }

        // The caller's connection is gone too, and still the worker gets no InvocationCancel: a cancel shows within
        // a second or two (IsolatedFunctionsHostTests.Get_CallerGoesAway_…), this waits three.
        var started = await _host.WaitForLogAsync(l => l.Message == "slow started", Wait);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(_host.LogsOf(started.InvocationId!), l => l.Message == "slow cancelled");
    }
}
