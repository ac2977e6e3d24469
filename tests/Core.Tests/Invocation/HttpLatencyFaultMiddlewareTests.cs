using System.Text.Json;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Items;
using Portable.Core.Settings;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Invocation;

public sealed class HttpLatencyFaultMiddlewareTests
{
    private const int InjectedEventId = 1003;
    private static readonly TimeSpan TwoSeconds = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan OneMillisecond = TimeSpan.FromMilliseconds(1);

    private static Func<string, string?> Environment(string? delay, string? path = null) => name => name switch
    {
        HttpLatencyFaultMiddleware.DelayVariable => delay,
        HttpLatencyFaultMiddleware.PathVariable => path,
        _ => null,
    };

    /// <summary>HTTP on <c>/things</c> and <c>/other</c>, and a queue function on <c>jobs</c>; every handler counts its calls.</summary>
    private static FunctionManifest App(Action<string> called) => new FunctionManifestBuilder()
        .AddHttp("things", r => r
            .Map("POST", "/things", (_, _, _) => { called("/things"); return ValueTask.FromResult(PortableHttpResponse.Empty(201)); })
            .Map("GET", "/other", (_, _, _) => { called("/other"); return ValueTask.FromResult(PortableHttpResponse.Empty(204)); }))
        .AddQueue("jobs", "jobs", (_, _, _) => { called("jobs"); return ValueTask.FromResult(MessageResult.Success); })
        .Build();

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("0")]
    [InlineData("0ms")]
    public void FromEnvironment_UnsetBlankOrZero_IsOff(string? delay) =>
        Assert.Null(HttpLatencyFaultMiddleware.FromEnvironment(Environment(delay)));

    [Theory]
    [InlineData("350ms", 350)]
    [InlineData("350", 350)]
    [InlineData("2s", 2_000)]
    [InlineData("1.5s", 1_500)]
    public void FromEnvironment_Duration_IsTheDelayOnEveryPath(string delay, int milliseconds)
    {
        var latency = HttpLatencyFaultMiddleware.FromEnvironment(Environment(delay));
        Assert.NotNull(latency);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), latency.Delay);
        Assert.Null(latency.PathPrefix);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1s")]
    [InlineData("2h")]
    [InlineData("61m")]
    public void FromEnvironment_BadDelay_ThrowsNamingTheVariable(string delay)
    {
        var e = Assert.Throws<SettingsException>(() => HttpLatencyFaultMiddleware.FromEnvironment(Environment(delay)));
        Assert.Equal((HttpLatencyFaultMiddleware.DelayVariable, delay), (e.Variable, e.Value));
        Assert.StartsWith($"PORTABLE_FAULTS_HTTP_DELAY='{delay}' is not valid: expected a duration from 0ms to 60m", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromEnvironment_Path_RestrictsTheDelay()
    {
        var latency = HttpLatencyFaultMiddleware.FromEnvironment(Environment("2s", "/items"));
        Assert.Equal("/items", latency?.PathPrefix);
    }

    [Theory]
    [InlineData("2s")]
    [InlineData(null)]
    public void FromEnvironment_PathWithoutLeadingSlash_ThrowsNamingTheVariable(string? delay)
    {
        var e = Assert.Throws<SettingsException>(() => HttpLatencyFaultMiddleware.FromEnvironment(Environment(delay, "items")));
        Assert.Equal("PORTABLE_FAULTS_HTTP_DELAY_PATH='items' is not valid: expected a request path prefix starting with /, e.g. /items.", e.Message);
    }

    [Fact]
    public void Create_OptionsGiven_TheVariablesAreNotRead()
    {
        var latency = HttpLatencyFaultMiddleware.Create(TwoSeconds, string.Empty, Environment("not a duration", "no slash"));
        Assert.NotNull(latency);
        Assert.Equal(TwoSeconds, latency.Delay);
        Assert.Null(latency.PathPrefix);
        Assert.Null(HttpLatencyFaultMiddleware.Create(TimeSpan.Zero, string.Empty, Environment("5s")));
    }

    [Fact]
    public void Create_DelayFromOptions_PathFromTheVariable() =>
        Assert.Equal("/items", HttpLatencyFaultMiddleware.Create(TwoSeconds, null, Environment(null, "/items"))?.PathPrefix);

    [Fact]
    public void Constructor_OutOfRange_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpLatencyFaultMiddleware(TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new HttpLatencyFaultMiddleware(TimeSpan.FromMinutes(61)));
        Assert.Throws<ArgumentException>(() => new HttpLatencyFaultMiddleware(TwoSeconds, "items"));
        Assert.Throws<ArgumentOutOfRangeException>(() => HttpLatencyFaultMiddleware.Create(TimeSpan.FromSeconds(-1), null, Environment(null)));
        Assert.Null(new HttpLatencyFaultMiddleware(TwoSeconds, "/").PathPrefix);
    }

    [Fact]
    public void AppliesTo_HttpInvocation_NotMessageOrSchedule()
    {
        var latency = new HttpLatencyFaultMiddleware(TwoSeconds);
        Assert.True(latency.AppliesTo(new FunctionContextBuilder().WithRequest(HttpRequestBuilder.Post("/things").Build()).Build()));
        Assert.False(latency.AppliesTo(new FunctionContextBuilder().WithMessage(MessageBuilder.Json("{}").From("jobs").Build()).Build()));
        Assert.False(latency.AppliesTo(new FunctionContextBuilder().WithTick(new() { ScheduledTime = TestClock.Start, FiredAt = TestClock.Start }).Build()));
    }

    [Theory]
    [InlineData("/items", "/items", true)]
    [InlineData("/items", "/items/", true)]
    [InlineData("/items", "/items/01J", true)]
    [InlineData("/items", "/itemsx", false)]
    [InlineData("/items", "/orders", false)]
    [InlineData("/items", "/Items", false)]
    [InlineData("/items/", "/items/01J", true)]
    [InlineData("/items/", "/items", false)]
    public void IsUnderPrefix_MatchesThePathAndBelowIt(string prefix, string path, bool expected)
    {
        var latency = new HttpLatencyFaultMiddleware(TwoSeconds, prefix);
        Assert.Equal(expected, latency.IsUnderPrefix(path));
        Assert.Equal(expected, latency.AppliesTo(new FunctionContextBuilder().WithRequest(HttpRequestBuilder.Get(path).Build()).Build()));
    }

    [Fact]
    public async Task InvokeAsync_WaitsTheWholeDelayOnTheClock_ThenRunsTheHandler_AndLogsIt()
    {
        var builder = new FunctionContextBuilder().WithRequest(HttpRequestBuilder.Post("/things").Build());
        var context = builder.Build();
        var ran = false;
        var invocation = new HttpLatencyFaultMiddleware(TwoSeconds).InvokeAsync(context, _ =>
        {
            ran = true;
            return ValueTask.CompletedTask;
        }).AsTask();

        builder.Clock.Advance(TwoSeconds - OneMillisecond);
        Assert.False(invocation.IsCompleted);
        Assert.False(ran);
        builder.Clock.Advance(OneMillisecond);
        await invocation;
        Assert.True(ran);

        var logged = Assert.Single(builder.Logs.WithEventId(InjectedEventId));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal(
            "Fault injection (PORTABLE_FAULTS_HTTP_DELAY): POST /things waits 2000 ms before its handler runs, whatever its cancellation",
            logged.Message);
    }

    [Fact]
    public async Task InvokeAsync_CallerGoesAwayDuringTheWait_StillWaitsThenRunsTheHandler()
    {
        using var caller = new CancellationTokenSource();
        var builder = new FunctionContextBuilder().WithRequest(HttpRequestBuilder.Post("/things").Build()).WithCancellation(caller.Token);
        var context = builder.Build();
        bool? handlerSawCancellation = null;
        var invocation = new HttpLatencyFaultMiddleware(TwoSeconds).InvokeAsync(context, c =>
        {
            handlerSawCancellation = c.CancellationToken.IsCancellationRequested;
            return ValueTask.CompletedTask;
        }).AsTask();

        builder.Clock.Advance(TimeSpan.FromSeconds(1));
        await caller.CancelAsync();
        Assert.False(invocation.IsCompleted); // the wait is not cut short
        builder.Clock.Advance(TimeSpan.FromSeconds(1));
        await invocation;
        Assert.True(handlerSawCancellation); // it ran, with the token as it stands
    }

    [Fact]
    public async Task InvokeAsync_DeadlinePassesDuringTheWait_HandlerStillRuns()
    {
        var builder = new FunctionContextBuilder().WithRequest(HttpRequestBuilder.Post("/things").Build()).WithDeadline(TimeSpan.FromSeconds(1));
        var context = builder.Build();
        var ran = false;
        var invocation = new HttpLatencyFaultMiddleware(TwoSeconds).InvokeAsync(context, _ =>
        {
            ran = true;
            return ValueTask.CompletedTask;
        }).AsTask();

        builder.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(context.CancellationToken.IsCancellationRequested);
        Assert.False(invocation.IsCompleted);
        builder.Clock.Advance(TimeSpan.FromSeconds(1));
        await invocation;
        Assert.True(ran);
    }

    [Fact]
    public void InvokeAsync_NotHttpOrOutsideThePrefix_PassesStraightThrough()
    {
        var latency = new HttpLatencyFaultMiddleware(TwoSeconds, "/items");
        var calls = 0;
        FunctionExecutionDelegate next = _ =>
        {
            calls++;
            return ValueTask.CompletedTask;
        };

        var message = new FunctionContextBuilder().WithMessage(MessageBuilder.Json("{}").From("jobs").Build());
        var other = new FunctionContextBuilder().WithRequest(HttpRequestBuilder.Get("/orders").Build());
        Assert.True(latency.InvokeAsync(message.Build(), next).AsTask().IsCompleted); // nothing waits on the clock
        Assert.True(latency.InvokeAsync(other.Build(), next).AsTask().IsCompleted);
        Assert.Equal(2, calls);
        Assert.Empty(message.Logs.WithEventId(InjectedEventId));
        Assert.Empty(other.Logs.WithEventId(InjectedEventId));
    }

    [Fact]
    public async Task Host_DelaySet_DelaysHttpUnderThePrefix_NotOtherPathsOrMessages()
    {
        var calls = new List<string>();
        await using var host = new FunctionTestHost(App(calls.Add), configure: o => o.Host = h =>
        {
            h.HttpFaultDelay = TwoSeconds;
            h.HttpFaultDelayPath = "/things";
        });

        var delayed = host.SendAsync("POST", "/things").AsTask();
        var other = host.SendAsync("GET", "/other").AsTask();
        var message = host.DeliverOneAsync("jobs", MessageBuilder.Json("{}").Build()).AsTask();

        Assert.True(other.IsCompleted);
        Assert.True(message.IsCompleted);
        Assert.Equal(204, (await other).StatusCode);
        Assert.Equal(MessageOutcome.Success, (await message).Outcome);
        Assert.False(delayed.IsCompleted);
        Assert.Equal(["/other", "jobs"], calls);

        host.Clock.Advance(TwoSeconds);
        Assert.Equal(201, (await delayed).StatusCode);
        Assert.Equal(["/other", "jobs", "/things"], calls);
        Assert.Single(host.Logs.WithEventId(InjectedEventId));
    }

    [Fact]
    public async Task Host_DelayOff_RequestsAreNotHeld()
    {
        var calls = new List<string>();
        await using var host = new FunctionTestHost(App(calls.Add), configure: o => o.Host = h => h.HttpFaultDelay = TimeSpan.Zero);

        var response = host.SendAsync("POST", "/things").AsTask();

        Assert.True(response.IsCompleted); // nothing waits on the clock: no latency middleware in the pipeline
        Assert.Equal(201, (await response).StatusCode);
        Assert.Empty(host.Logs.WithEventId(InjectedEventId));
    }

    [Fact]
    public async Task PostItems_FrontDoorGivesUpDuringTheDelay_TheItemIsStillCreated()
    {
        await using var host = new FunctionTestHost(PatternsApp.App, configure: o => o.Host = h =>
        {
            h.HttpFaultDelay = TwoSeconds;
            h.HttpFaultDelayPath = "/items";
        });

        // The front door (an API Gateway timeout scaled down to 1 s) stops waiting; the function is not told, as Lambda is not.
        var post = host.SendAsync("POST", "/items", """{"name":"Slow widget","price":3.5}""").AsTask();
        var frontDoor = Task.Delay(TimeSpan.FromSeconds(1), host.Clock);
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Same(frontDoor, await Task.WhenAny(post, frontDoor)); // the caller would get a 504 here
        Assert.Empty((await host.Store.ListAsync(ItemsApi.Collection, 10)).Entries);

        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var created = await post;

        Assert.Equal(201, created.StatusCode);
        var stored = Assert.Single((await host.Store.ListAsync(ItemsApi.Collection, 10)).Entries);
        var item = JsonDocument.Parse(stored.Value).RootElement;
        Assert.Equal("Slow widget", item.GetProperty("name").GetString());
        Assert.Equal($"/items/{stored.Key}", created.Headers["Location"]);
        var logged = Assert.Single(host.Logs.WithEventId(InjectedEventId));
        Assert.Contains("POST /items waits 2000 ms", logged.Message, StringComparison.Ordinal);
    }
}
