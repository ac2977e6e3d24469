using Microsoft.Extensions.Time.Testing;
using Portable.Core.Schedules;

namespace Portable.Core.Tests.Schedules;

public sealed class CronScheduleTests
{
    private static DateTimeOffset Utc(string iso) => DateTimeOffset.Parse(iso, System.Globalization.CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("0 9 * * *", "0 9 * * *")]
    [InlineData("0 9 ? JAN-MAR mon-fri", "0 9 * 1-3 1-5")]
    [InlineData("0 */5 * * * *", "*/5 * * * *")]
    [InlineData("30 0 * * * *", "30 0 * * * *")]
    [InlineData("  15   10 L *   *  ", "15 10 L * *")]
    [InlineData("0 12 * * 5L", "0 12 * * 5L")]
    [InlineData("0 12 * * FRI#3", "0 12 * * 5#3")]
    [InlineData("0-30/10 9-17 1,15 * *", "0-30/10 9-17 1,15 * *")]
    public void Parse_ValidExpression_WritesCanonicalText(string expression, string canonical)
    {
        var schedule = CronSchedule.Parse(expression);

        Assert.Equal(canonical, schedule.Expression);
        Assert.Equal("UTC", schedule.TimeZoneId);
    }

    [Fact]
    public void Parse_SecondsOtherThanZero_HasSeconds()
    {
        Assert.True(CronSchedule.Parse("*/30 * * * * *").HasSeconds);
        Assert.False(CronSchedule.Parse("0 * * * * *").HasSeconds);
        Assert.False(CronSchedule.Parse("* * * * *").HasSeconds);
    }

    [Theory]
    [InlineData("* * * *", "has 4 fields")]
    [InlineData("* * * * * * *", "has 7 fields")]
    [InlineData("60 * * * *", "minute '60' is not 0-59")]
    [InlineData("0 24 * * *", "hour '24' is not 0-23")]
    [InlineData("0 0 0 * *", "day-of-month '0' is not 1-31")]
    [InlineData("0 0 * 13 *", "month '13' is not 1-12 or JAN-DEC")]
    [InlineData("0 0 * * 8", "day-of-week '8' is not 0-7 or SUN-SAT")]
    [InlineData("0 0 * * MONDAY", "day-of-week 'MONDAY'")]
    [InlineData("0 0 1 * MON", "restricts both day-of-month and day-of-week")]
    [InlineData("5/15 * * * *", "a step needs '*' or a range")]
    [InlineData("22-2 * * * *", "reversed range")]
    [InlineData("0 22-2 * * *", "reversed range")]
    [InlineData("*/0 * * * *", "step '0'")]
    [InlineData("H * * * *", "minute 'H'")]
    [InlineData("@daily", "has 1 fields")]
    [InlineData("0 0 L,1 * *", "must stand alone")]
    [InlineData("0 0 * * 1#6", "the week after # must be 1-5")]
    [InlineData("0 0 ? * ?", null)]
    public void Parse_InvalidExpression_ThrowsSayingWhy(string expression, string? why)
    {
        if (why is null)
        {
            // '?' in both day fields restricts neither: every day, accepted.
            Assert.Equal("0 0 * * *", CronSchedule.Parse(expression).Expression);
            return;
        }

        var error = Assert.Throws<ArgumentException>(() => CronSchedule.Parse(expression));
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
        Assert.Contains(expression, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("W. Europe Standard Time")]
    [InlineData("")]
    [InlineData("Europe/Berlin;rm")]
    public void Parse_NonIanaTimeZone_Throws(string zone)
    {
        var error = Assert.Throws<ArgumentException>(() => CronSchedule.Parse("0 9 * * *", zone));
        Assert.Contains("IANA", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TimeZone_UnknownZone_ThrowsOnFirstUseNamingIt()
    {
        var schedule = CronSchedule.Parse("0 9 * * *", "Mars/Olympus_Mons");

        var error = Assert.Throws<InvalidOperationException>(() => schedule.NextOccurrence(Utc("2026-01-01T00:00:00Z")));
        Assert.Contains("Mars/Olympus_Mons", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NextOccurrence_Utc_IsStrictlyAfter()
    {
        var schedule = CronSchedule.Parse("*/15 * * * *");

        Assert.Equal(Utc("2026-05-04T10:15:00Z"), schedule.NextOccurrence(Utc("2026-05-04T10:07:00Z")));
        Assert.Equal(Utc("2026-05-04T10:30:00Z"), schedule.NextOccurrence(Utc("2026-05-04T10:15:00Z")));
    }

    [Fact]
    public void NextOccurrence_Seconds_FiresWithinTheMinute()
    {
        var schedule = CronSchedule.Parse("*/20 * * * * *");

        Assert.Equal(Utc("2026-05-04T10:00:40Z"), schedule.NextOccurrence(Utc("2026-05-04T10:00:20Z")));
    }

    [Fact]
    public void NextOccurrence_Berlin_FollowsTheOffsetOfEachSeason()
    {
        var schedule = CronSchedule.Parse("0 9 * * MON-FRI", "Europe/Berlin");

        // CET (+01:00) in January, CEST (+02:00) in July: the same local 09:00 is a different UTC hour.
        Assert.Equal(Utc("2026-01-05T08:00:00Z"), schedule.NextOccurrence(Utc("2026-01-04T12:00:00Z")));
        Assert.Equal(Utc("2026-07-06T07:00:00Z"), schedule.NextOccurrence(Utc("2026-07-04T12:00:00Z")));
    }

    [Fact]
    public void NextOccurrence_BerlinSpringForward_RunsTheSkippedTimeOnceAtTheJump()
    {
        // 2026-03-29, the last Sunday of March: 02:00 CET jumps to 03:00 CEST, so 02:30 does not exist that day.
        var schedule = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        var onJumpDay = schedule.NextOccurrence(Utc("2026-03-28T12:00:00Z"));
        Assert.Equal(Utc("2026-03-29T01:00:00Z"), onJumpDay);
        Assert.Equal(Utc("2026-03-30T00:30:00Z"), schedule.NextOccurrence(onJumpDay!.Value));
    }

    [Fact]
    public void NextOccurrence_BerlinFallBack_RunsAFixedTimeOnceNotTwice()
    {
        // 2026-10-25, the last Sunday of October: 03:00 CEST falls back to 02:00 CET, so 02:30 happens twice.
        var schedule = CronSchedule.Parse("30 2 * * *", "Europe/Berlin");

        var first = schedule.NextOccurrence(Utc("2026-10-24T12:00:00Z"));
        Assert.Equal(Utc("2026-10-25T00:30:00Z"), first);
        Assert.Equal(Utc("2026-10-26T01:30:00Z"), schedule.NextOccurrence(first!.Value));
    }

    [Fact]
    public void NextOccurrence_BerlinFallBack_IntervalKeepsItsPaceThroughTheRepeatedHour()
    {
        var schedule = CronSchedule.Parse("*/30 * * * *", "Europe/Berlin");

        var ticks = new List<DateTimeOffset>();
        var at = Utc("2026-10-25T00:00:00Z");
        for (var i = 0; i < 4; i++)
        {
            at = schedule.NextOccurrence(at)!.Value;
            ticks.Add(at);
        }

        Assert.Equal(
            [Utc("2026-10-25T00:30:00Z"), Utc("2026-10-25T01:00:00Z"), Utc("2026-10-25T01:30:00Z"), Utc("2026-10-25T02:00:00Z")],
            ticks);
    }

    [Fact]
    public void NextOccurrence_LastSundayOfMarchInBerlin_IsTheDstDay()
    {
        var schedule = CronSchedule.Parse("0 12 * MAR 0L", "Europe/Berlin");

        Assert.Equal(Utc("2026-03-29T10:00:00Z"), schedule.NextOccurrence(Utc("2026-01-01T00:00:00Z")));
    }

    [Fact]
    public void NextOccurrence_SundayAsZeroOrSeven_IsTheSameDay()
    {
        var from = Utc("2026-05-04T00:00:00Z"); // a Monday
        Assert.Equal(Utc("2026-05-10T06:00:00Z"), CronSchedule.Parse("0 6 * * 0").NextOccurrence(from));
        Assert.Equal(Utc("2026-05-10T06:00:00Z"), CronSchedule.Parse("0 6 * * 7").NextOccurrence(from));
        Assert.Equal(Utc("2026-05-10T06:00:00Z"), CronSchedule.Parse("0 6 * * SUN").NextOccurrence(from));
    }

    [Fact]
    public void DueSince_NoOccurrencePassed_ReturnsNull()
    {
        var clock = new FakeTimeProvider(Utc("2026-05-04T10:00:40Z"));

        Assert.Null(CronSchedule.Parse("* * * * *").DueSince(Utc("2026-05-04T10:00:00Z"), clock));
    }

    [Fact]
    public void DueSince_OneTickOnTime_RunsItNotPastDue()
    {
        var clock = new FakeTimeProvider(Utc("2026-05-04T10:01:05Z"));

        var due = CronSchedule.Parse("* * * * *").DueSince(Utc("2026-05-04T10:00:00Z"), clock);

        Assert.NotNull(due);
        Assert.Equal(Utc("2026-05-04T10:01:00Z"), due.ScheduledTime);
        Assert.Equal(clock.GetUtcNow(), due.FiredAt);
        Assert.Equal(0, due.MissedTicks);
        Assert.False(due.IsPastDue);
    }

    [Fact]
    public void DueSince_HostWasDown_CollapsesMissedTicksIntoOneRun()
    {
        var schedule = CronSchedule.Parse("* * * * *");
        var clock = new FakeTimeProvider(Utc("2026-05-04T10:07:30Z"));

        var due = schedule.DueSince(Utc("2026-05-04T10:00:00Z"), clock);

        Assert.NotNull(due);
        Assert.Equal(Utc("2026-05-04T10:07:00Z"), due.ScheduledTime);
        Assert.Equal(6, due.MissedTicks);
        Assert.True(due.IsPastDue);

        // Once run, nothing more is due until the next minute: the missed ticks do not run one by one.
        Assert.Null(schedule.DueSince(due.ScheduledTime, clock));
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(0, schedule.DueSince(due.ScheduledTime, clock)!.MissedTicks);
    }

    [Fact]
    public void DueSince_OneTickRunHoursLate_IsPastDue()
    {
        var clock = new FakeTimeProvider(Utc("2026-05-05T11:00:00Z"));

        var due = CronSchedule.Parse("0 9 * * *").DueSince(Utc("2026-05-04T09:00:00Z"), clock);

        Assert.NotNull(due);
        Assert.Equal(Utc("2026-05-05T09:00:00Z"), due.ScheduledTime);
        Assert.Equal(0, due.MissedTicks);
        Assert.True(due.IsPastDue);
    }

    [Fact]
    public void DueSince_ClockBeforeLastRun_ReturnsNull()
    {
        var clock = new FakeTimeProvider(Utc("2026-05-04T09:00:00Z"));

        Assert.Null(CronSchedule.Parse("* * * * *").DueSince(Utc("2026-05-04T10:00:00Z"), clock));
    }
}
