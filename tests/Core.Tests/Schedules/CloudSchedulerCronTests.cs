using Portable.Core.Functions;
using Portable.Core.Schedules;

namespace Portable.Core.Tests.Schedules;

public sealed class CloudSchedulerCronTests
{
    [Theory]
    [InlineData("0 9 * * 1-5", "0 9 * * 1-5")]
    [InlineData("0 9 * * MON-FRI", "0 9 * * 1-5")]
    [InlineData("0 12 * * 0", "0 12 * * 0")]
    [InlineData("0 12 * * 7", "0 12 * * 7")]
    [InlineData("*/5 * * * *", "*/5 * * * *")]
    [InlineData("0-30/10 9-17 * * *", "0-30/10 9-17 * * *")]
    [InlineData("0 0 0 1 JAN *", "0 0 1 1 *")]
    [InlineData("0 0 ? * ?", "0 0 * * *")]
    public void From_Expression_IsFiveFieldUnixCron(string expression, string expected)
    {
        Assert.Equal(expected, CloudSchedulerCron.From(CronSchedule.Parse(expression)).Expression);
    }

    [Fact]
    public void From_TimeZone_IsTheJobsTimeZoneField()
    {
        Assert.Equal(
            new CloudSchedule("30 2 * * *", "America/New_York"),
            CloudSchedulerCron.From(CronSchedule.Parse("30 2 * * *", "America/New_York")));
    }

    [Theory]
    [InlineData("30 * * * * *", "seconds")]
    [InlineData("0 0 L * *", "day-of-month 'L'")]
    [InlineData("0 0 15W * *", "day-of-month '15W'")]
    [InlineData("0 10 * * 5L", "day-of-week '5L'")]
    [InlineData("0 10 * * 1#2", "day-of-week '1#2'")]
    public void From_Unsupported_RefusedNamingGoogleCloud(string expression, string why)
    {
        var error = Assert.Throws<UnsupportedScheduleException>(() => CloudSchedulerCron.From(CronSchedule.Parse(expression)));

        Assert.Equal(CloudProvider.Gcp, error.Cloud);
        Assert.Contains("Google Cloud Scheduler (unix-cron)", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }
}
