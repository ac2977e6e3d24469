using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.Invocation;
using Portable.Core.Schedules;
using Portable.Gcp.Events;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Schedules;

/// <summary>
/// Schedule functions on Cloud Run: Cloud Scheduler's HTTP call (its schedule-time header) becomes a neutral tick, a
/// keep-warm ping never reaches the handler, and the status tells Cloud Scheduler whether to retry.
/// </summary>
public sealed class CloudSchedulerMapperTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 20, TimeSpan.Zero);

    private readonly RecordingSchedule _schedule = new(Now);

    public ValueTask DisposeAsync() => _schedule.DisposeAsync();

    private async Task<(int Status, string Body)> CallAsync(string method = "POST", string body = "", string? scheduleTime = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/reconcile";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentLength = Encoding.UTF8.GetByteCount(body);
        context.Request.Headers["X-CloudScheduler"] = "true";
        context.Request.Headers["X-CloudScheduler-JobName"] = "reconcile-job";
        if (scheduleTime is not null)
        {
            context.Request.Headers[CloudSchedulerMapper.ScheduleTimeHeader] = scheduleTime;
        }

        var response = new MemoryStream();
        context.Response.Body = response;
        await CloudSchedulerMapper.HandleAsync(context, new InvocationInfo("inv-1"), _schedule.Host.ScheduleInvoker, _schedule.Host.Clock, _schedule.Function, NullLogger.Instance);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
    }

    [Fact]
    public async Task Post_WithScheduleTime_RunsTheTickForThatOccurrence_And200()
    {
        var (status, _) = await CallAsync(scheduleTime: "2026-12-01T12:00:00Z");

        Assert.Equal(200, status);
        var tick = Assert.Single(_schedule.Ticks);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), tick.ScheduledTime);
        Assert.Equal(Now, tick.FiredAt);
        Assert.False(tick.IsPastDue);
    }

    [Fact]
    public async Task Post_ScheduleTimeMinutesAgo_IsPastDue()
    {
        await CallAsync(scheduleTime: "2026-12-01T11:50:00Z");

        Assert.True(Assert.Single(_schedule.Ticks).IsPastDue);
    }

    [Fact]
    public async Task Post_Warmer_Answers200WithoutRunningTheHandler()
    {
        var (status, body) = await CallAsync(body: """{"warmer":true}""");

        Assert.Equal(200, status);
        Assert.Contains("warm", body, StringComparison.Ordinal);
        Assert.Empty(_schedule.Ticks);
    }

    [Fact]
    public async Task Post_FailedRun_Answers500WithTheReason_SoCloudSchedulerRetries()
    {
        _schedule.Fail = true;

        var (status, body) = await CallAsync(scheduleTime: "2026-12-01T12:00:00Z");

        Assert.Equal(500, status);
        using var error = JsonDocument.Parse(body);
        Assert.Contains(RecordingSchedule.FailureMessage, error.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_Is405_AndTheHandlerDoesNotRun()
    {
        var (status, _) = await CallAsync(method: "GET");

        Assert.Equal(405, status);
        Assert.Empty(_schedule.Ticks);
    }

    [Fact]
    public async Task Post_BadScheduleTime_Is400()
    {
        var (status, body) = await CallAsync(scheduleTime: "noon");

        Assert.Equal(400, status);
        Assert.Contains("RFC 3339", body, StringComparison.Ordinal);
        Assert.Empty(_schedule.Ticks);
    }
}
