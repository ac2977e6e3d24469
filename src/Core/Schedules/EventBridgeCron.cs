using System.Globalization;
using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>
/// Writes a <see cref="CronSchedule"/> as EventBridge Scheduler (and EventBridge rules) read it:
/// <c>cron(minutes hours day-of-month month day-of-week year)</c>. The rules, from
/// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html: six fields, no seconds; one
/// of day-of-month and day-of-week must be <c>?</c> (<c>*</c> may not stand in both); day-of-week is 1-7 for
/// SUN-SAT, so unix 0-6 (and 7) shift by one; <c>L</c> and <c>W</c> in day-of-month, <c>L</c> and <c>#</c> in
/// day-of-week; <c>/</c> is documented as <c>start/step</c> (<c>0/15</c>, <c>1/10</c>), so <c>*/n</c> is written
/// from the field's first value and a stepped range as the list of its values. The time zone is the schedule's
/// <c>ScheduleExpressionTimezone</c> (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html);
/// classic EventBridge rules evaluate in UTC only.
/// </summary>
public static class EventBridgeCron
{
    /// <summary>The EventBridge expression and time zone for <paramref name="schedule"/>.</summary>
    /// <exception cref="UnsupportedScheduleException">The schedule fires at a second other than 0.</exception>
    public static CloudSchedule From(CronSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.HasSeconds)
        {
            throw new UnsupportedScheduleException(
                CloudProvider.Aws, schedule.Expression, "EventBridge cron has no seconds field; its schedules fire at minute precision.");
        }

        var dayOfWeek = DayOfWeek(schedule.DayOfWeek);
        var dayOfMonth = schedule.DayOfWeek.IsAny ? Field(schedule.DayOfMonth) : "?";
        return new CloudSchedule(
            $"cron({Field(schedule.Minute)} {Field(schedule.Hour)} {dayOfMonth} {Field(schedule.Month)} {dayOfWeek} *)",
            schedule.TimeZoneId);
    }

    private static string Field(CronField field)
    {
        if (field.IsAny)
        {
            return "*";
        }

        if (field.Special is { } special)
        {
            // Only day-of-month carries a special here (L, nW), written as EventBridge writes it.
            return CronField.Render(special);
        }

        if (field.Items is [{ Kind: CronItemKind.AnyStep } step])
        {
            return string.Create(CultureInfo.InvariantCulture, $"{field.Min}/{step.Step}");
        }

        return field.Items.All(i => i is { Kind: CronItemKind.Range, Step: 1 }) ? field.Render() : CronField.Compact(field.Values());
    }

    private static string DayOfWeek(CronField field)
    {
        if (field.IsAny)
        {
            return "?";
        }

        // Unix counts Sunday 0 (or 7), EventBridge 1: 0-6 become 1-7.
        return field.Special switch
        {
            { Kind: CronItemKind.LastWeekdayOfMonth } last => string.Create(CultureInfo.InvariantCulture, $"{(last.From % 7) + 1}L"),
            { Kind: CronItemKind.NthWeekdayOfMonth } nth => string.Create(CultureInfo.InvariantCulture, $"{(nth.From % 7) + 1}#{nth.To}"),
            _ => CronField.Compact(field.Values().Select(day => day + 1)),
        };
    }
}
