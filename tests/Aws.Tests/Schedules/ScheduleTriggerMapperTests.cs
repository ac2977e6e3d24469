using System.Text;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Schedules;
using Portable.TestKit;

namespace Portable.Aws.Tests.Schedules;

/// <summary>
/// Schedule functions on Lambda: the EventBridge scheduled event (the vendor's sample) and EventBridge Scheduler's
/// input become a neutral tick, a keep-warm ping never reaches the handler, and a failed run is answered on /error.
/// </summary>
public sealed class ScheduleTriggerMapperTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 30, TimeSpan.Zero);

    private readonly RecordingSchedule _schedule = new(Now);

    public ValueTask DisposeAsync() => _schedule.DisposeAsync();

    private ValueTask<LambdaAnswer> InvokeAsync(string payload) =>
        ScheduleTriggerMapper.Answer(_schedule.Host.ScheduleInvoker, _schedule.Host.Clock, _schedule.Function, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)(
            new RuntimeInvocation("req-1", null, null, null, null, null, Encoding.UTF8.GetBytes(payload)), CancellationToken.None);

    [Fact]
    public async Task EventBridgeScheduledEvent_VendorSample_RunsTheTickForItsTime()
    {
        var sample = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "aws-eventbridge-scheduled.json"));

        var answer = await InvokeAsync(sample);

        Assert.Null(answer.Error);
        var tick = Assert.Single(_schedule.Ticks);
        Assert.Equal(DateTimeOffset.UnixEpoch, tick.ScheduledTime); // the sample's "time": 1970-01-01T00:00:00Z
        Assert.Equal(Now, tick.FiredAt);
        Assert.True(tick.IsPastDue);
    }

    [Fact]
    public async Task SchedulerInput_WithScheduledTime_RunsOnTime()
    {
        var answer = await InvokeAsync("""{"scheduledTime":"2026-12-01T12:00:00Z"}""");

        Assert.Null(answer.Error);
        var tick = Assert.Single(_schedule.Ticks);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero), tick.ScheduledTime);
        Assert.False(tick.IsPastDue);
    }

    [Fact]
    public async Task SchedulerInput_WithoutATime_RunsNow()
    {
        var answer = await InvokeAsync("{}");

        Assert.Null(answer.Error);
        Assert.Equal(Now, Assert.Single(_schedule.Ticks).ScheduledTime);
    }

    [Fact]
    public async Task Warmer_IsAnsweredWithoutRunningTheHandler()
    {
        var answer = await InvokeAsync("""{"warmer": true}""");

        Assert.Null(answer.Error);
        Assert.Empty(_schedule.Ticks);
        Assert.Contains("warm", Encoding.UTF8.GetString(answer.Response.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedRun_IsAnsweredAsAnInvocationError_WithTheReason()
    {
        _schedule.Fail = true;

        var answer = await InvokeAsync("{}");

        Assert.NotNull(answer.Error);
        Assert.Equal("Portable.ScheduleFailed", answer.Error.ErrorType);
        Assert.Contains(RecordingSchedule.FailureMessage, answer.Error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{oops", "not JSON")]
    [InlineData("""{"time":"yesterday"}""", "not an ISO 8601 instant")]
    public async Task UnusableEvent_IsRefusedOnError_AndTheHandlerDoesNotRun(string payload, string expected)
    {
        var answer = await InvokeAsync(payload);

        Assert.NotNull(answer.Error);
        Assert.Contains(expected, answer.Error.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_schedule.Ticks);
    }
}
