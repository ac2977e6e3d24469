using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>
/// Writes a <see cref="CronSchedule"/> as Google Cloud Scheduler reads it: unix-cron, five fields, day-of-week 0-6
/// from Sunday with 7 also Sunday, ranges, lists and steps, and a separate IANA <c>timeZone</c> field
/// (https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules). The canonical form is unix-cron, so the
/// expression passes through; what Cloud Scheduler lacks — seconds and <c>L</c> (which its page names as
/// unsupported), <c>W</c> and <c>#</c> — is refused.
/// </summary>
public static class CloudSchedulerCron
{
    /// <summary>The Cloud Scheduler <c>schedule</c> and <c>timeZone</c> for <paramref name="schedule"/>.</summary>
    /// <exception cref="UnsupportedScheduleException">The schedule has seconds, or uses <c>L</c>, <c>W</c> or <c>#</c>.</exception>
    public static CloudSchedule From(CronSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.HasSeconds)
        {
            throw new UnsupportedScheduleException(
                CloudProvider.Gcp, schedule.Expression, "unix-cron has no seconds field; Cloud Scheduler jobs fire at minute precision.");
        }

        foreach (var field in new[] { schedule.DayOfMonth, schedule.DayOfWeek })
        {
            if (field.Special is { } special)
            {
                throw new UnsupportedScheduleException(
                    CloudProvider.Gcp,
                    schedule.Expression,
                    $"unix-cron has no L, W or # ({CronField.NameOf(field.Kind)} '{CronField.Render(special)}').");
            }
        }

        return new CloudSchedule(schedule.Expression, schedule.TimeZoneId);
    }
}
