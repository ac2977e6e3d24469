using Portable.Core.Schedules;

namespace Portable.Deploy.CloudFormation;

/// <summary>
/// A manifest schedule as EventBridge Scheduler writes it: <c>cron(minutes hours day-of-month month day-of-week year)</c>
/// (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based), where one of the two day
/// fields must be <c>?</c> and days of the week run 1-7 from Sunday (unix cron's 0-7 are written as names here).
/// </summary>
public static class ScheduleExpression
{
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

    /// <summary>The Scheduler expression for <paramref name="schedule"/>; its time zone goes in <c>ScheduleExpressionTimezone</c>.</summary>
    /// <exception cref="ArgumentException">The schedule needs a resolution Scheduler does not have (seconds), or a day-of-week step.</exception>
    public static string Cron(CronSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        var parts = schedule.Expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 6)
        {
            if (parts[0] != "0")
            {
                throw new ArgumentException($"Schedule '{schedule.Expression}' fires within a minute; EventBridge Scheduler's cron resolution is one minute.", nameof(schedule));
            }

            parts = parts[1..];
        }

        var (minute, hour, dayOfMonth, month, dayOfWeek) = (parts[0], parts[1], parts[2], parts[3], parts[4]);
        if (dayOfWeek == "*")
        {
            dayOfWeek = "?";
        }
        else
        {
            // CronSchedule.Parse refuses both day fields restricted, so day-of-month is * here.
            dayOfMonth = "?";
            dayOfWeek = DaysOfWeek(dayOfWeek, schedule.Expression);
        }

        return $"cron({minute} {hour} {dayOfMonth} {month} {dayOfWeek} *)";
    }

    private static string DaysOfWeek(string field, string expression)
    {
        if (field.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Schedule '{expression}': write the days of a day-of-week step out as a list for EventBridge Scheduler.", nameof(expression));
        }

        return string.Join(',', field.Split(',').Select(item => string.Join('-', item.Split('-').Select(day =>
            int.TryParse(day, out var n) && n is >= 0 and <= 7 ? DayNames[n] : day.ToUpperInvariant()))));
    }
}
