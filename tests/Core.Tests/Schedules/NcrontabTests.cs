using Cronos;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Schedules;

namespace Portable.Core.Tests.Schedules;

public sealed class NcrontabTests
{
    [Theory]
    [InlineData("0 9 * * *", "0 0 9 * * *")]
    [InlineData("*/5 * * * *", "0 */5 * * * *")]
    [InlineData("*/30 * * * * *", "*/30 * * * * *")]
    [InlineData("15 0 * * * *", "15 0 * * * *")]
    [InlineData("0 9 * * MON-FRI", "0 0 9 * * 1-5")]
    [InlineData("0 9 * * 1-5", "0 0 9 * * 1-5")]
    [InlineData("0 12 * * 0", "0 0 12 * * 0")]
    [InlineData("0 12 * * 7", "0 0 12 * * 0")]
    [InlineData("0 12 * * 5-7", "0 0 12 * * 0,5-6")]
    [InlineData("0 12 * * */2", "0 0 12 * * 0,2,4,6")]
    [InlineData("0-30/10 * * * *", "0 0,10,20,30 * * * *")]
    [InlineData("0 0 1 JAN,JUL *", "0 0 0 1 1,7 *")]
    [InlineData("0 0 ? * SAT", "0 0 0 * * 6")]
    public void From_Expression_IsSixFieldsWithSecondsFirstAndSundayZero(string expression, string expected)
    {
        Assert.Equal(expected, Ncrontab.From(CronSchedule.Parse(expression)).Expression);
    }

    [Theory]
    [InlineData("0 12 * * 5-7")]
    [InlineData("0-30/10 8-18/5 * * *")]
    [InlineData("*/20 * * * * *")]
    [InlineData("0 6 * JAN-MAR */2")]
    public void From_Expression_FiresAtTheSameInstantsAsTheCanonicalSchedule(string expression)
    {
        // NCRONTAB's six fields are also a Cronos seconds format, so the written expression can be evaluated beside the original.
        var schedule = CronSchedule.Parse(expression, "Europe/Berlin");
        var written = CronExpression.Parse(Ncrontab.From(schedule).Expression, CronFormat.IncludeSeconds);
        var zone = schedule.TimeZone;
        DateTimeOffset at = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 200; i++)
        {
            var expected = schedule.NextOccurrence(at);
            Assert.Equal(expected, written.GetNextOccurrence(at, zone));
            at = expected!.Value;
        }
    }

    [Theory]
    [InlineData("0 0 L * *", "day-of-month 'L'")]
    [InlineData("0 0 15W * *", "day-of-month '15W'")]
    [InlineData("0 10 * * 5L", "day-of-week '5L'")]
    [InlineData("0 10 * * 1#2", "day-of-week '1#2'")]
    public void From_LastWeekdayOrNth_RefusedNamingAzure(string expression, string field)
    {
        var error = Assert.Throws<UnsupportedScheduleException>(() => Ncrontab.From(CronSchedule.Parse(expression)));

        Assert.Equal(CloudProvider.Azure, error.Cloud);
        Assert.Contains("Azure Functions (timer trigger NCRONTAB)", error.Message, StringComparison.Ordinal);
        Assert.Contains(field, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AppTimeZone_SchedulesShareAZone_IsThatZone()
    {
        var manifest = new FunctionManifestBuilder()
            .AddSchedule("a", "0 9 * * *", (_, _, _) => ValueTask.CompletedTask, "Europe/Berlin")
            .AddSchedule("b", "0 18 * * *", (_, _, _) => ValueTask.CompletedTask, "Europe/Berlin")
            .Build();

        Assert.Equal("Europe/Berlin", Ncrontab.AppTimeZone(manifest));
    }

    [Fact]
    public void AppTimeZone_NoSchedule_IsUtc()
    {
        var manifest = new FunctionManifestBuilder().AddQueue("q", "orders", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build();

        Assert.Equal("UTC", Ncrontab.AppTimeZone(manifest));
    }

    [Fact]
    public void AppTimeZone_SchedulesInDifferentZones_RefusedNamingBoth()
    {
        var manifest = new FunctionManifestBuilder()
            .AddSchedule("berlin", "0 9 * * *", (_, _, _) => ValueTask.CompletedTask, "Europe/Berlin")
            .AddSchedule("tokyo", "0 9 * * *", (_, _, _) => ValueTask.CompletedTask, "Asia/Tokyo")
            .Build();

        var error = Assert.Throws<UnsupportedScheduleException>(() => Ncrontab.AppTimeZone(manifest));

        Assert.Equal(CloudProvider.Azure, error.Cloud);
        Assert.Contains("'berlin' runs in Europe/Berlin", error.Message, StringComparison.Ordinal);
        Assert.Contains("'tokyo' in Asia/Tokyo", error.Message, StringComparison.Ordinal);
    }
}
