using System.Net;
using System.Text.Json;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Portable.Core.Messaging;
using Portable.Core.Resilience;
using Portable.Testing;

namespace Portable.Core.Tests.Resilience;

public sealed class PortableResilienceTests
{
    private readonly SteppedTimeProvider _time = new();
    private readonly RecordingLoggerProvider _logs = new();
    private readonly List<ResilienceRetry> _retries = [];

    /// <summary>Settings that isolate what a test looks at: no jitter, a breaker that never opens, no attempt timeout.</summary>
    private static void Quiet(ResilienceOptions o)
    {
        o.Timeout = TimeSpan.FromDays(1);
        o.AttemptTimeout = null;
        o.MaxRetryAttempts = 3;
        o.BaseDelay = TimeSpan.FromSeconds(1);
        o.MaxDelay = TimeSpan.FromSeconds(8);
        o.UseJitter = false;
        o.FailureRatio = 1;
        o.MinimumThroughput = 1000;
    }

    private ResiliencePipeline Pipeline(Action<ResilienceOptions>? adjust = null, Action<ResilienceOptionsBuilder>? more = null)
    {
        var settings = new ResilienceOptionsBuilder()
            .AddPipeline("test", o =>
            {
                Quiet(o);
                adjust?.Invoke(o);
            })
            .OnRetry(r =>
            {
                lock (_retries)
                {
                    _retries.Add(r);
                }
            });
        more?.Invoke(settings);
        return new PortableResilience(settings, _time, _logs.CreateLoggerFactory()).GetPipeline("test");
    }

    private static Task<string> Run(ResiliencePipeline pipeline, ScriptedCall call, CancellationToken cancellationToken = default) =>
        pipeline.ExecuteAsync(static (c, ct) => c.InvokeAsync(ct), call, cancellationToken).AsTask();

    [Fact]
    public async Task ExecuteAsync_TransientFaultsThenSuccess_RetriesUntilItSucceeds()
    {
        var pipeline = Pipeline();
        var call = new ScriptedCall(
            new TransientException("throttled"),
            new IOException("reset"),
            new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable));

        var task = Run(pipeline, call);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(8));

        Assert.Equal("ok after 4", await task);
        Assert.Equal(4, call.Calls);
        Assert.Equal([1, 2, 3], _retries.Select(r => r.Attempt));
        Assert.IsType<TransientException>(_retries[0].Fault);
        Assert.IsType<IOException>(_retries[1].Fault);
        Assert.IsType<HttpRequestException>(_retries[2].Fault);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task ExecuteAsync_TransientFaultEveryTime_CallsOncePlusMaxRetryAttemptsThenThrowsIt(int maxRetryAttempts)
    {
        var pipeline = Pipeline(o => o.MaxRetryAttempts = maxRetryAttempts);
        var fault = new TransientException("still down");
        var call = ScriptedCall.Always(fault);

        var task = Run(pipeline, call);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(8));

        Assert.Same(fault, await Assert.ThrowsAsync<TransientException>(() => task));
        Assert.Equal(maxRetryAttempts + 1, call.Calls);
        Assert.Equal(maxRetryAttempts, _retries.Count);
    }

    public static TheoryData<Exception> PermanentFaults => new()
    {
        new PermanentFailureException("bad data"),
        new ArgumentException("bad argument"),
        new JsonException("not JSON"),
        new HttpRequestException("not found", null, HttpStatusCode.NotFound),
        new InvalidOperationException("a bug"),
    };

    [Theory]
    [MemberData(nameof(PermanentFaults))]
    public async Task ExecuteAsync_PermanentFault_PropagatesAfterOneCallWithoutWaiting(Exception fault)
    {
        var pipeline = Pipeline();
        var call = ScriptedCall.Always(fault);

        // The clock never moves: had the pipeline scheduled a retry, the task could not finish.
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => Run(pipeline, call).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Same(fault, thrown);
        Assert.Equal(1, call.Calls);
        Assert.Empty(_retries);
        Assert.Empty(_logs.WithEventId(7001));
    }

    [Fact]
    public async Task RetryDelays_WithoutJitter_DoubleFromBaseDelayAndStopAtMaxDelay()
    {
        var pipeline = Pipeline(o => o.MaxRetryAttempts = 5);
        var call = ScriptedCall.Always(new TransientException("down"));

        var task = Run(pipeline, call);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(8));
        await Assert.ThrowsAsync<TransientException>(() => task);

        TimeSpan[] expected = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)];
        Assert.Equal(expected, _retries.Select(r => r.Delay));
        var logged = _logs.WithEventId(7001);
        Assert.Equal(expected.Cast<object?>(), logged.Select(e => e.Values["Delay"]));
        Assert.Equal([1, 2, 3, 4, 5], logged.Select(e => (int)e.Values["Attempt"]!));
        Assert.All(logged, e => Assert.Equal("test", e.Values["Pipeline"]));
        Assert.All(logged, e => Assert.IsType<TransientException>(e.Exception));
    }

    [Fact]
    public async Task RetryDelays_WaitOnTheClock_NextCallOnlyAfterTheDelayElapses()
    {
        var pipeline = Pipeline(o => o.MaxRetryAttempts = 1);
        var call = new ScriptedCall(new TransientException("down"));

        var task = Run(pipeline, call);
        Assert.Equal(1, call.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, call.Calls);
        Assert.False(task.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("ok after 2", await task.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task RetryDelays_WithJitter_VaryButStayBetweenTheScheduleAndTwiceItWithinBaseAndMax()
    {
        var random = new Random(20250101);
        var pipeline = Pipeline(
            o =>
            {
                o.MaxRetryAttempts = 6;
                o.BaseDelay = TimeSpan.FromMilliseconds(500);
                o.MaxDelay = TimeSpan.FromSeconds(20);
                o.UseJitter = true;
            },
            b => b.UseRandomizer(random.NextDouble));

        for (var run = 0; run < 10; run++)
        {
            var task = Run(pipeline, ScriptedCall.Always(new TransientException("down")));
            await _time.DriveAsync(task, TimeSpan.FromSeconds(20));
            await Assert.ThrowsAsync<TransientException>(() => task);
        }

        Assert.Equal(60, _retries.Count);
        foreach (var retry in _retries)
        {
            var scheduled = TimeSpan.FromMilliseconds(500 * Math.Pow(2, retry.Attempt - 1));
            Assert.InRange(retry.Delay, Min(scheduled, TimeSpan.FromSeconds(20)), Min(scheduled * 2, TimeSpan.FromSeconds(20)));
            Assert.InRange(retry.Delay, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(20));
        }

        foreach (var attempt in Enumerable.Range(1, 5))
        {
            Assert.True(_retries.Where(r => r.Attempt == attempt).Select(r => r.Delay).Distinct().Count() > 5, $"retry {attempt} delays did not vary");
        }

        static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
    }

    [Fact]
    public void RetryDelay_JitterAtItsExtremes_GivesTheScheduleAndJustUnderTwiceIt()
    {
        var options = new ResilienceOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(30), UseJitter = true };

        Assert.Equal(TimeSpan.FromSeconds(4), PortableResilience.RetryDelay(options, 2, null, () => 0));
        Assert.Equal(TimeSpan.FromSeconds(7.996), PortableResilience.RetryDelay(options, 2, null, () => 0.999));
        Assert.Equal(TimeSpan.FromSeconds(30), PortableResilience.RetryDelay(options, 10, null, () => 0.5));
        Assert.Equal(TimeSpan.FromSeconds(30), PortableResilience.RetryDelay(options, int.MaxValue, null, () => 0));
    }

    [Fact]
    public void RetryDelay_FaultWithRetryAfter_UsesTheServiceHintCappedAtMaxDelay()
    {
        var options = new ResilienceOptions { BaseDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(10) };

        Assert.Equal(TimeSpan.FromSeconds(3), PortableResilience.RetryDelay(options, 0, new TransientException("throttled", TimeSpan.FromSeconds(3)), () => 0.5));
        Assert.Equal(TimeSpan.FromSeconds(10), PortableResilience.RetryDelay(options, 0, new TransientException("throttled", TimeSpan.FromMinutes(5)), () => 0.5));
        Assert.Equal(TimeSpan.Zero, PortableResilience.RetryDelay(options, 3, new TransientException("throttled", TimeSpan.FromSeconds(-1)), () => 0.5));
    }

    [Fact]
    public async Task ExecuteAsync_TransientFaultWithRetryAfter_WaitsWhatTheServiceAsked()
    {
        var pipeline = Pipeline();
        var call = new ScriptedCall(new TransientException("throttled", TimeSpan.FromSeconds(5)));

        var task = Run(pipeline, call);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(8));

        Assert.Equal("ok after 2", await task);
        Assert.Equal(TimeSpan.FromSeconds(5), Assert.Single(_retries).Delay);
    }

    [Fact]
    public async Task ExecuteAsync_CallOutlastsTheTotalTimeout_ThrowsTimeoutRejectedOnceTheClockReachesIt()
    {
        var pipeline = Pipeline(o => o.Timeout = TimeSpan.FromSeconds(2));
        var calls = 0;

        var task = pipeline.ExecuteAsync(
            async ct =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }).AsTask();
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(task.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<TimeoutRejectedException>(() => task.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(1, calls);
        Assert.Empty(_retries);
        var logged = Assert.Single(_logs.WithEventId(7005));
        Assert.Equal("total", logged.Values["Scope"]);
        Assert.Equal(TimeSpan.FromSeconds(2), logged.Values["Timeout"]);
    }

    [Fact]
    public async Task ExecuteAsync_AttemptTimesOut_IsRetriedAsATransientFault()
    {
        var pipeline = Pipeline(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(1);
            o.MaxRetryAttempts = 2;
            o.BaseDelay = TimeSpan.Zero;
            o.MaxDelay = TimeSpan.Zero;
        });
        var calls = 0;

        var task = pipeline.ExecuteAsync(
            async ct =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            }).AsTask();
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => task);
        Assert.Equal(3, calls);
        Assert.Equal(2, _retries.Count);
        Assert.All(_retries, r => Assert.IsType<TimeoutRejectedException>(r.Fault));
        Assert.All(_logs.WithEventId(7005), e => Assert.Equal("attempt", e.Values["Scope"]));
    }

    [Fact]
    public async Task ExecuteAsync_CallerCancels_ThrowsOperationCanceledWithoutRetrying()
    {
        var pipeline = Pipeline();
        using var caller = new CancellationTokenSource();
        var calls = 0;

        var task = pipeline.ExecuteAsync(
            async ct =>
            {
                Interlocked.Increment(ref calls);
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            },
            caller.Token).AsTask();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, calls);
        Assert.Empty(_retries);
    }

    [Fact]
    public async Task ExecuteAsync_CancellationTheCallerDidNotAskFor_IsRetried()
    {
        var pipeline = Pipeline();
        var call = new ScriptedCall(new TaskCanceledException("HttpClient.Timeout of 100 seconds elapsing"));

        var task = Run(pipeline, call);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(8));

        Assert.Equal("ok after 2", await task);
    }

    [Fact]
    public async Task ExecuteAsync_ExtraTransientTest_RetriesWhatItMatchesButNeverAPermanentFault()
    {
        var pipeline = Pipeline(more: b => b.AddTransientFault(e => e is InvalidOperationException { Message: "throttled by the SDK" } or PermanentFailureException));
        var sdk = new ScriptedCall(new InvalidOperationException("throttled by the SDK"));
        var permanent = ScriptedCall.Always(new PermanentFailureException("bad data"));

        var task = Run(pipeline, sdk);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(8));
        Assert.Equal("ok after 2", await task);

        await Assert.ThrowsAsync<PermanentFailureException>(() => Run(pipeline, permanent).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, permanent.Calls);
    }

    [Fact]
    public async Task CircuitBreaker_FailureRatioReached_OpensAndRejectsFastUntilBreakDurationThenHalfOpens()
    {
        var pipeline = Pipeline(o =>
        {
            o.MaxRetryAttempts = 0;
            o.FailureRatio = 0.5;
            o.MinimumThroughput = 4;
            o.SamplingDuration = TimeSpan.FromSeconds(10);
            o.BreakDuration = TimeSpan.FromSeconds(5);
        });
        var downstream = new ScriptedCall();
        var failing = ScriptedCall.Always(new HttpRequestException("unavailable", null, HttpStatusCode.ServiceUnavailable));

        Assert.Equal("ok after 1", await Run(pipeline, downstream));
        await Assert.ThrowsAsync<HttpRequestException>(() => Run(pipeline, failing));
        Assert.Equal("ok after 2", await Run(pipeline, downstream));
        Assert.Empty(_logs.WithEventId(7002));
        await Assert.ThrowsAsync<HttpRequestException>(() => Run(pipeline, failing));

        // 2 failures in 4 calls: the ratio 0.5 is reached and the circuit opens.
        var opened = Assert.Single(_logs.WithEventId(7002));
        Assert.Equal(TimeSpan.FromSeconds(5), opened.Values["BreakDuration"]);
        var rejected = await Assert.ThrowsAsync<BrokenCircuitException>(() => Run(pipeline, downstream));
        Assert.Equal(2, downstream.Calls);
        Assert.Equal(TimeSpan.FromSeconds(5), rejected.RetryAfter);

        _time.Advance(TimeSpan.FromMilliseconds(4999));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => Run(pipeline, downstream));
        Assert.Equal(2, downstream.Calls);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("ok after 3", await Run(pipeline, downstream));
        Assert.Single(_logs.WithEventId(7003));
        Assert.Single(_logs.WithEventId(7004));
        Assert.Equal("ok after 4", await Run(pipeline, downstream));
    }

    [Fact]
    public async Task CircuitBreaker_HalfOpenTrialFails_OpensAgain()
    {
        var pipeline = Pipeline(o =>
        {
            o.MaxRetryAttempts = 0;
            o.MinimumThroughput = 2;
            o.BreakDuration = TimeSpan.FromSeconds(5);
        });
        var failing = ScriptedCall.Always(new IOException("reset"));
        await Assert.ThrowsAsync<IOException>(() => Run(pipeline, failing));
        await Assert.ThrowsAsync<IOException>(() => Run(pipeline, failing));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => Run(pipeline, failing));

        _time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<IOException>(() => Run(pipeline, failing));

        Assert.Equal(3, failing.Calls);
        Assert.Equal(2, _logs.WithEventId(7002).Count);
        await Assert.ThrowsAsync<BrokenCircuitException>(() => Run(pipeline, failing));
        Assert.Equal(3, failing.Calls);
    }

    [Fact]
    public async Task CircuitBreaker_OpenedDuringRetries_RejectionIsNotRetried()
    {
        var pipeline = Pipeline(o =>
        {
            o.MaxRetryAttempts = 5;
            o.MinimumThroughput = 2;
            o.BreakDuration = TimeSpan.FromHours(1);
        });
        var failing = ScriptedCall.Always(new TransientException("down"));

        var task = Run(pipeline, failing);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(8));

        await Assert.ThrowsAsync<BrokenCircuitException>(() => task);
        Assert.Equal(2, failing.Calls);
        Assert.Equal(2, _retries.Count);
    }

    [Fact]
    public async Task CircuitBreaker_PermanentFaults_DoNotCountAsFailures()
    {
        var pipeline = Pipeline(o =>
        {
            o.MaxRetryAttempts = 0;
            o.MinimumThroughput = 2;
            o.FailureRatio = 0.5;
        });
        var badData = ScriptedCall.Always(new PermanentFailureException("bad data"));
        for (var i = 0; i < 5; i++)
        {
            await Assert.ThrowsAsync<PermanentFailureException>(() => Run(pipeline, badData));
        }

        Assert.Equal("ok after 1", await Run(pipeline, new ScriptedCall()));
        Assert.Empty(_logs.WithEventId(7002));
    }

    [Fact]
    public void GetPipeline_UnknownName_ThrowsNamingTheConfiguredOnes()
    {
        var resilience = new PortableResilience(new ResilienceOptionsBuilder().AddPipeline("state").AddPipeline("publish"), _time, _logs.CreateLoggerFactory());

        var ex = Assert.Throws<KeyNotFoundException>(() => resilience.GetPipeline("blobs"));

        Assert.Contains("'blobs'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("publish, state", ex.Message, StringComparison.Ordinal);
        Assert.Equal(["publish", "state"], resilience.PipelineNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingThePipelineAndField()
    {
        var settings = new ResilienceOptionsBuilder()
            .AddPipeline("state")
            .AddPipeline("publish", o => o.FailureRatio = 1.5);

        var ex = Assert.Throws<ResilienceOptionsException>(() => new PortableResilience(settings, _time, _logs.CreateLoggerFactory()));

        Assert.Equal("publish", ex.PipelineName);
        Assert.Contains("FailureRatio", Assert.Single(ex.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatePipeline_WithoutSettings_UsesBuiltInClassifierAndLogsThroughTheGivenLogger()
    {
        var logger = _logs.CreateLogger("custom");
        var pipeline = PortableResilience.CreatePipeline("solo", new ResilienceOptions { UseJitter = false, BaseDelay = TimeSpan.FromSeconds(1) }, _time, logger);
        var call = new ScriptedCall(new SocketExceptionStub());

        var task = Run(pipeline, call);
        await _time.DriveAsync(task, TimeSpan.FromSeconds(1));

        Assert.Equal("ok after 2", await task);
        var retry = Assert.Single(_logs.WithEventId(7001));
        Assert.Equal("custom", retry.Category);
        Assert.Equal("solo", retry.Values["Pipeline"]);
    }

    private sealed class SocketExceptionStub() : IOException("socket closed");
}
