using System.Text.Json;
using Portable.Azure.Worker;
using Portable.Core.Functions;
using Portable.Core.Schedules;

namespace Portable.Azure.Tests.Worker;

/// <summary>
/// Schedule functions on the isolated worker: reported as <c>timerTrigger</c> on the NCRONTAB form of their cron,
/// and the host's <c>TimerInfo</c> read into a neutral tick.
/// </summary>
public sealed class WorkerTimerMappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 5, 0, TimeSpan.Zero);

    [Fact]
    public void Describe_ScheduleFunction_IsATimerTriggerOnItsNcrontabSchedule()
    {
        var manifest = new FunctionManifestBuilder()
            .AddSchedule("reconcile", "*/5 * * * 1-5", (tick, context, ct) => ValueTask.CompletedTask)
            .Build();

        var metadata = Assert.Single(ManifestFunctionMetadataProvider.Describe(manifest, "Portable.Azure.dll"), m => m.Name == "reconcile");

        using var binding = JsonDocument.Parse(Assert.Single(metadata.RawBindings!));
        Assert.Equal("timer", binding.RootElement.GetProperty("name").GetString());
        Assert.Equal("timerTrigger", binding.RootElement.GetProperty("type").GetString());
        Assert.Equal("In", binding.RootElement.GetProperty("direction").GetString());
        Assert.Equal("0 */5 * * * 1-5", binding.RootElement.GetProperty("schedule").GetString());
        Assert.Equal(ManifestFunction.EntryPoint, metadata.EntryPoint);
    }

    [Theory]
    [InlineData("""{"Schedule":{"AdjustForDST":true},"ScheduleStatus":{"Last":"2026-12-01T12:00:00","Next":"2026-12-01T12:10:00","LastUpdated":"2026-12-01T12:05:00"},"IsPastDue":false}""", false)]
    [InlineData("""{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":true}""", true)]
    [InlineData("""{"isPastDue":true}""", true)]
    [InlineData("", false)]
    public void TryReadTick_TimerInfo_FiresNowWithThePastDueFlag(string timerInfo, bool pastDue)
    {
        Assert.True(WorkerTimerMapping.TryReadTick(timerInfo, Now, out var tick, out var error), error);

        Assert.Equal(Now, tick.ScheduledTime);
        Assert.Equal(Now, tick.FiredAt);
        Assert.Equal(pastDue, tick.IsPastDue);
        Assert.Equal(0, tick.MissedTicks);
    }

    [Theory]
    [InlineData("not json", "not JSON")]
    [InlineData("[1,2]", "Array")]
    [InlineData("""{"IsPastDue":"yes"}""", "IsPastDue is String")]
    public void TryReadTick_MalformedInput_IsRefusedWithTheReason(string timerInfo, string expected)
    {
        Assert.False(WorkerTimerMapping.TryReadTick(timerInfo, Now, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
