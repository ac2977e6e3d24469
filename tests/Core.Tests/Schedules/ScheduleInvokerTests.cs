using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Invocation;
using Portable.Core.Schedules;
using Portable.Testing;

namespace Portable.Core.Tests.Schedules;

public sealed class ScheduleInvokerTests
{
    private static FunctionManifest Schedule(ScheduleHandler handler) =>
        new FunctionManifestBuilder().AddSchedule("nightly", "0 2 * * *", handler, "Europe/Berlin").Build();

    [Fact]
    public async Task FireScheduleAsync_HandlerFinishes_SucceedsAndLogsTheRun()
    {
        ScheduledInvocation? seen = null;
        FunctionContext? context = null;
        await using var host = new FunctionTestHost(Schedule((tick, ctx, _) =>
        {
            seen = tick;
            context = ctx;
            return ValueTask.CompletedTask;
        }));
        var tick = new ScheduledInvocation { ScheduledTime = host.Clock.GetUtcNow(), FiredAt = host.Clock.GetUtcNow().AddSeconds(2) };

        var result = await host.FireScheduleAsync("nightly", tick, new InvocationInfo(InvocationId: "tick-1"));

        Assert.Equal(ScheduleResult.Success, result);
        Assert.Same(tick, seen);
        Assert.Equal("nightly", context!.FunctionName);
        Assert.Equal("tick-1", context.InvocationId);
        Assert.Equal("timer", context.Function.Trigger.Kind);
        var logged = Assert.Single(host.Logs.WithEventId(4001));
        Assert.Equal(LogLevel.Information, logged.Level);
        Assert.Contains("nightly", logged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FireScheduleAsync_NoTickGiven_FiresNowOnTheClock()
    {
        ScheduledInvocation? seen = null;
        await using var host = new FunctionTestHost(Schedule((tick, _, _) =>
        {
            seen = tick;
            return ValueTask.CompletedTask;
        }));

        await host.FireScheduleAsync("nightly");

        Assert.Equal(host.Clock.GetUtcNow(), seen!.ScheduledTime);
        Assert.Equal(host.Clock.GetUtcNow(), seen.FiredAt);
        Assert.False(seen.IsPastDue);
    }

    [Fact]
    public async Task FireScheduleAsync_HandlerThrows_FailsWithTheReasonAndLogsAnError()
    {
        await using var host = new FunctionTestHost(Schedule((_, _, _) => throw new InvalidOperationException("ledger locked")));

        var result = await host.FireScheduleAsync("nightly");

        Assert.False(result.Succeeded);
        Assert.Equal("InvalidOperationException: ledger locked", result.Reason);
        var logged = Assert.Single(host.Logs.WithEventId(4002));
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task FireScheduleAsync_DeadlinePasses_CancelsHandlerAndFails()
    {
        var started = new TaskCompletionSource();
        await using var host = new FunctionTestHost(Schedule(async (_, _, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }));

        var pending = host.FireScheduleAsync("nightly", info: new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(3)));
        await started.Task;
        host.Clock.Advance(TimeSpan.FromSeconds(4));

        var result = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(result.Succeeded);
        Assert.Contains("deadline", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FireScheduleAsync_PastDueTick_LogsTheMissedTicksOnce()
    {
        var runs = 0;
        await using var host = new FunctionTestHost(
            new FunctionManifestBuilder().AddSchedule("every-minute", "* * * * *", (_, _, _) =>
            {
                runs++;
                return ValueTask.CompletedTask;
            }).Build());
        var last = host.Clock.GetUtcNow();
        host.Clock.Advance(TimeSpan.FromMinutes(10));
        var trigger = host.Manifest.Find<ScheduleTrigger>("every-minute")!.Value.Trigger;
        var due = trigger.Schedule.DueSince(last, host.Clock)!;

        var result = await host.FireScheduleAsync("every-minute", due);

        Assert.True(result.Succeeded);
        Assert.Equal(1, runs);
        var warning = Assert.Single(host.Logs.WithEventId(4003));
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(due.MissedTicks, warning.Values["MissedTicks"]);
        Assert.True(due.MissedTicks >= 9);
    }

    [Fact]
    public async Task FireScheduleAsync_Traced_TagsTimerTriggerCronAndFireTime()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            // A constant name: reading InvocationEngine.ActivitySource here would run its static constructor inside the
            // listener's callback, and a source created there is never listened to by this or any later listener.
            ShouldListenTo = source => source.Name == InvocationEngine.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);
        await using var host = new FunctionTestHost(
            new FunctionManifestBuilder().AddSchedule("traced-tick", "*/10 * * * *", (_, _, _) => ValueTask.CompletedTask).Build());
        var fired = new DateTimeOffset(2026, 5, 4, 10, 0, 3, TimeSpan.FromHours(2));

        await host.FireScheduleAsync("traced-tick", new ScheduledInvocation { ScheduledTime = fired.AddSeconds(-3), FiredAt = fired });

        var span = Assert.Single(spans, s => s.DisplayName == "traced-tick");
        Assert.Equal("timer", span.GetTagItem("faas.trigger"));
        Assert.Equal("*/10 * * * *", span.GetTagItem("faas.cron"));
        Assert.Equal("2026-05-04T08:00:03.0000000Z", span.GetTagItem("faas.time"));
        Assert.Equal("Success", span.GetTagItem("portable.outcome"));
    }

    [Fact]
    public async Task FireScheduleAsync_TypedFunction_ResolvedFromServices()
    {
        var manifest = new FunctionManifestBuilder().AddSchedule<CountingFunction>("count", "*/5 * * * *").Build();
        await using var host = new FunctionTestHost(manifest, services => services.AddSingleton<CountingFunction>());

        await host.FireScheduleAsync("count");
        await host.FireScheduleAsync("count");

        Assert.Equal(2, host.Services.GetRequiredService<CountingFunction>().Runs);
    }

    [Fact]
    public async Task GetFunction_NotScheduled_ThrowsNamingIt()
    {
        await using var host = new FunctionTestHost(new FunctionManifestBuilder()
            .AddQueue("q", "orders", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build());

        var error = Assert.Throws<ArgumentException>(() => host.ScheduleInvoker.GetFunction("q"));
        Assert.Contains("'q' is not a scheduled function", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSchedule_InvalidCron_ThrowsAtDeclaration()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            new FunctionManifestBuilder().AddSchedule("bad", "0 0 1 * MON", (_, _, _) => ValueTask.CompletedTask));
        Assert.Contains("restricts both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddSchedule_Declares_TimerTriggerWithTheParsedSchedule()
    {
        var manifest = new FunctionManifestBuilder().AddSchedule("reconcile-orders", "* * * * *", (_, _, _) => ValueTask.CompletedTask).Build();

        var (function, trigger) = manifest.Find<ScheduleTrigger>("reconcile-orders")!.Value;
        Assert.Equal("timer", trigger.Kind);
        Assert.Equal("* * * * *", trigger.Schedule.Expression);
        Assert.Equal("UTC", trigger.Schedule.TimeZoneId);
        Assert.Same(trigger, function.Trigger);
    }

    public sealed class CountingFunction : IScheduledFunction
    {
        public int Runs { get; private set; }

        public ValueTask HandleAsync(ScheduledInvocation tick, FunctionContext context, CancellationToken cancellationToken)
        {
            Runs++;
            return ValueTask.CompletedTask;
        }
    }
}
