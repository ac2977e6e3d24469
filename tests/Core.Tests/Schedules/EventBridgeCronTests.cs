using Portable.Core.Functions;
using Portable.Core.Schedules;

namespace Portable.Core.Tests.Schedules;

public sealed class EventBridgeCronTests
{
    [Theory]
    [InlineData("0 9 * * *", "cron(0 9 * * ? *)")]
    [InlineData("* * * * *", "cron(* * * * ? *)")]
    [InlineData("0 0 0 * * *", "cron(0 0 * * ? *)")]
    [InlineData("*/5 * * * *", "cron(0/5 * * * ? *)")]
    [InlineData("0 */2 * * *", "cron(0 0/2 * * ? *)")]
    [InlineData("0 0 */10 * *", "cron(0 0 1/10 * ? *)")]
    [InlineData("0 0 1 */3 *", "cron(0 0 1 1/3 ? *)")]
    [InlineData("0-30/10 * * * *", "cron(0,10,20,30 * * * ? *)")]
    [InlineData("0 8-18/5 * * *", "cron(0 8,13,18 * * ? *)")]
    [InlineData("0 0 1,15 * *", "cron(0 0 1,15 * ? *)")]
    [InlineData("0 0 1 JAN,JUL *", "cron(0 0 1 1,7 ? *)")]
    [InlineData("0 0 L * *", "cron(0 0 L * ? *)")]
    [InlineData("0 0 15W * *", "cron(0 0 15W * ? *)")]
    public void From_DayOfMonthOrEveryDay_PutsQuestionMarkInDayOfWeek(string expression, string expected)
    {
        Assert.Equal(expected, EventBridgeCron.From(CronSchedule.Parse(expression)).Expression);
    }

    [Theory]
    [InlineData("0 9 * * 1-5", "cron(0 9 ? * 2-6 *)")]
    [InlineData("0 9 * * MON-FRI", "cron(0 9 ? * 2-6 *)")]
    [InlineData("0 12 * * 0", "cron(0 12 ? * 1 *)")]
    [InlineData("0 12 * * 7", "cron(0 12 ? * 1 *)")]
    [InlineData("0 12 * * SUN", "cron(0 12 ? * 1 *)")]
    [InlineData("0 12 * * 6", "cron(0 12 ? * 7 *)")]
    [InlineData("0 12 * * 6,0", "cron(0 12 ? * 1,7 *)")]
    [InlineData("0 12 * * 5-7", "cron(0 12 ? * 1,6-7 *)")]
    [InlineData("0 12 * * 0-7", "cron(0 12 ? * 1-7 *)")]
    [InlineData("0 12 * * */2", "cron(0 12 ? * 1,3,5,7 *)")]
    [InlineData("0 10 * * 5L", "cron(0 10 ? * 6L *)")]
    [InlineData("0 10 * * 0L", "cron(0 10 ? * 1L *)")]
    [InlineData("0 10 * * 1#2", "cron(0 10 ? * 2#2 *)")]
    [InlineData("0 10 * * SAT#1", "cron(0 10 ? * 7#1 *)")]
    public void From_DayOfWeek_ShiftsSundayZeroToOneAndPutsQuestionMarkInDayOfMonth(string expression, string expected)
    {
        Assert.Equal(expected, EventBridgeCron.From(CronSchedule.Parse(expression)).Expression);
    }

    [Fact]
    public void From_TimeZone_IsTheScheduleExpressionTimezone()
    {
        var cloud = EventBridgeCron.From(CronSchedule.Parse("30 2 * * *", "Europe/Berlin"));

        Assert.Equal(new CloudSchedule("cron(30 2 * * ? *)", "Europe/Berlin"), cloud);
    }

    [Theory]
    [InlineData("30 * * * * *")]
    [InlineData("*/10 * * * * *")]
    public void From_Seconds_RefusedNamingAws(string expression)
    {
        var error = Assert.Throws<UnsupportedScheduleException>(() => EventBridgeCron.From(CronSchedule.Parse(expression)));

        Assert.Equal(CloudProvider.Aws, error.Cloud);
        Assert.Contains("AWS (EventBridge Scheduler cron)", error.Message, StringComparison.Ordinal);
        Assert.Contains("seconds", error.Message, StringComparison.Ordinal);
        Assert.Contains(expression, error.Message, StringComparison.Ordinal);
    }
}
