using Portable.Emulators.Azure.Isolated;

namespace Portable.Emulators.Tests.Azure.Isolated;

public sealed class TimerScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 1, 30, TimeSpan.Zero); // a Thursday

    [Theory]
    [InlineData("0 */5 * * * *", "2026-01-01T00:05:00")]
    [InlineData("*/10 * * * * *", "2026-01-01T00:01:40")]
    [InlineData("0 0 * * * *", "2026-01-01T01:00:00")]
    [InlineData("0 30 9 * * *", "2026-01-01T09:30:00")]
    [InlineData("0 30 9 * * MON-FRI", "2026-01-01T09:30:00")]
    [InlineData("0 30 9 * * SAT,SUN", "2026-01-03T09:30:00")]
    [InlineData("0 0 0 1 * *", "2026-02-01T00:00:00")]
    [InlineData("0 0 12 15 MAR *", "2026-03-15T12:00:00")]
    [InlineData("0 0 0 * * 7", "2026-01-04T00:00:00")]
    [InlineData("5 * * * *", "2026-01-01T00:05:00")]
    [InlineData("0 0-10/5 * * * *", "2026-01-01T00:05:00")]
    [InlineData("00:15:00", "2026-01-01T00:16:30")]
    public void Next_Schedule_IsTheFirstOccurrenceAfter(string schedule, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected + "Z", System.Globalization.CultureInfo.InvariantCulture), TimerSchedule.Parse(schedule).Next(Start));
    }

    [Fact]
    public void Next_OnAnOccurrence_IsTheFollowingOne()
    {
        var schedule = TimerSchedule.Parse("0 */5 * * * *");

        Assert.Equal(Start.AddSeconds(-90).AddMinutes(10), schedule.Next(Start.AddSeconds(-90).AddMinutes(5)));
    }

    [Theory]
    [InlineData("0 */5 * * *  * *")]
    [InlineData("60 * * * * *")]
    [InlineData("0 0 0 32 * *")]
    [InlineData("0 0 0 * FOO *")]
    [InlineData("0 10-5 * * * *")]
    [InlineData("0 */0 * * * *")]
    [InlineData("-00:05:00")]
    public void Parse_Invalid_ThrowsFormatException(string schedule)
    {
        Assert.Throws<FormatException>(() => TimerSchedule.Parse(schedule));
    }

    [Fact]
    public void Next_NeverMatches_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => TimerSchedule.Parse("0 0 0 30 FEB *").Next(Start));
    }
}
