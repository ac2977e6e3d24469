using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>
/// Writes a <see cref="CronSchedule"/> as the Azure Functions timer trigger reads it: NCRONTAB,
/// <c>{second} {minute} {hour} {day} {month} {day-of-week}</c> with day-of-week 0-6 from Sunday, and only
/// <c>*</c>, <c>,</c>, <c>-</c> and <c>/</c> (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions).
/// There is no <c>?</c>, <c>L</c>, <c>W</c> or <c>#</c>; the documented step is <c>*/n</c>, so a stepped range is
/// written as the list of its values, and a day-of-week 7 as 0. Azure has no per-function time zone: every timer of
/// an app runs in the app's <c>WEBSITE_TIME_ZONE</c> (UTC by default, not settable on the Linux Consumption and Flex
/// Consumption plans), which <see cref="AppTimeZone"/> finds.
/// </summary>
public static class Ncrontab
{
    /// <summary>The NCRONTAB expression and time zone for <paramref name="schedule"/>.</summary>
    /// <exception cref="UnsupportedScheduleException">The schedule uses <c>L</c>, <c>W</c> or <c>#</c>.</exception>
    public static CloudSchedule From(CronSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        foreach (var field in new[] { schedule.DayOfMonth, schedule.DayOfWeek })
        {
            if (field.Special is { } special)
            {
                throw new UnsupportedScheduleException(
                    CloudProvider.Azure,
                    schedule.Expression,
                    $"NCRONTAB has no L, W or # ({CronField.NameOf(field.Kind)} '{CronField.Render(special)}'); only * , - and / are allowed.");
            }
        }

        var fields = new[] { schedule.Second, schedule.Minute, schedule.Hour, schedule.DayOfMonth, schedule.Month, schedule.DayOfWeek };
        return new CloudSchedule(string.Join(' ', fields.Select(Field)), schedule.TimeZoneId);
    }

    /// <summary>
    /// The one time zone the app's timers share, to set as <c>WEBSITE_TIME_ZONE</c> (UTC when the manifest has no
    /// schedule); refused when two schedules ask for different zones.
    /// </summary>
    /// <exception cref="UnsupportedScheduleException">Two schedules of the manifest name different time zones.</exception>
    public static string AppTimeZone(FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        (string Function, CronSchedule Schedule)? first = null;
        foreach (var (function, trigger) in manifest.FunctionsOf<ScheduleTrigger>())
        {
            if (first is null)
            {
                first = (function.Name, trigger.Schedule);
            }
            else if (!string.Equals(first.Value.Schedule.TimeZoneId, trigger.Schedule.TimeZoneId, StringComparison.Ordinal))
            {
                throw new UnsupportedScheduleException(
                    CloudProvider.Azure,
                    trigger.Schedule.Expression,
                    $"an app's timers share one time zone (WEBSITE_TIME_ZONE), but '{first.Value.Function}' runs in {first.Value.Schedule.TimeZoneId} "
                    + $"and '{function.Name}' in {trigger.Schedule.TimeZoneId}.");
            }
        }

        return first?.Schedule.TimeZoneId ?? CronSchedule.DefaultTimeZone;
    }

    private static string Field(CronField field)
    {
        if (field.IsAny)
        {
            return "*";
        }

        if (field.Kind != CronFieldKind.DayOfWeek && field.Items is [{ Kind: CronItemKind.AnyStep }])
        {
            return field.Render();
        }

        var plain = field.Items.All(i => i is { Kind: CronItemKind.Range, Step: 1 } && (field.Kind != CronFieldKind.DayOfWeek || i.To < 7));
        return plain ? field.Render() : CronField.Compact(field.Values());
    }
}
