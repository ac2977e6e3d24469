using Cronos;

namespace Portable.Core.Schedules;

/// <summary>
/// A schedule in Portable's one canonical form: a unix cron expression of five fields
/// (<c>minute hour day-of-month month day-of-week</c>), or six with a leading <c>second</c> field, evaluated in an
/// IANA time zone (UTC unless one is given). Day-of-week is 0-6 from Sunday (7 is Sunday too) and names
/// (<c>JAN</c>-<c>DEC</c>, <c>SUN</c>-<c>SAT</c>) may stand for numbers. Restrict day-of-month or day-of-week, not
/// both: EventBridge forbids it, unix cron (Cloud Scheduler) matches either, Cronos and NCRONTAB match both.
/// Next occurrences come from Cronos; <see cref="EventBridgeCron"/>, <see cref="Ncrontab"/> and
/// <see cref="CloudSchedulerCron"/> write the schedule as each cloud reads it, or refuse.
/// </summary>
public sealed class CronSchedule
{
    /// <summary>The time zone a schedule is evaluated in when none is given.</summary>
    public const string DefaultTimeZone = "UTC";

    private readonly CronExpression _cron;
    private TimeZoneInfo? _zone;

    private CronSchedule(CronField[] fields, string timeZoneId)
    {
        Second = fields[0];
        Minute = fields[1];
        Hour = fields[2];
        DayOfMonth = fields[3];
        Month = fields[4];
        DayOfWeek = fields[5];
        TimeZoneId = timeZoneId;
        var minuteFields = string.Join(' ', fields[1..].Select(f => f.Render()));
        Expression = HasSeconds ? Second.Render() + " " + minuteFields : minuteFields;
        _cron = CronExpression.Parse(Second.Render() + " " + minuteFields, CronFormat.IncludeSeconds);
    }

    /// <summary>The expression in canonical text: names as numbers, <c>?</c> as <c>*</c>, five fields unless a second other than 0 is asked for.</summary>
    public string Expression { get; }

    /// <summary>The IANA time zone id the expression is evaluated in (<c>Europe/Berlin</c>, <c>UTC</c>).</summary>
    public string TimeZoneId { get; }

    /// <summary>True when the schedule fires at a second other than 0 (only Azure and the local host can do that).</summary>
    public bool HasSeconds => !Second.IsExactly(0);

    /// <summary>
    /// The time zone, read from the host's time zone database on first use (not at declaration, so a host that only
    /// passes the id on to its cloud never needs one).
    /// </summary>
    /// <exception cref="InvalidOperationException">The host's time zone database has no such zone.</exception>
    public TimeZoneInfo TimeZone => _zone ??= Resolve(TimeZoneId);

    internal CronField Second { get; }

    internal CronField Minute { get; }

    internal CronField Hour { get; }

    internal CronField DayOfMonth { get; }

    internal CronField Month { get; }

    internal CronField DayOfWeek { get; }

    /// <summary>Parses a canonical expression; throws <see cref="ArgumentException"/> saying which field is wrong and why.</summary>
    /// <param name="expression">Five fields, or six with seconds first.</param>
    /// <param name="timeZone">An IANA time zone id; <see cref="DefaultTimeZone"/> when null.</param>
    public static CronSchedule Parse(string expression, string? timeZone = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(expression);
        timeZone ??= DefaultTimeZone;
        if (timeZone.Length == 0 || !timeZone.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'))
        {
            throw new ArgumentException(
                $"Time zone '{timeZone}' is not an IANA time zone id (like Europe/Berlin or UTC); Windows names are not portable.", nameof(timeZone));
        }

        var parts = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length is not (5 or 6))
        {
            throw new ArgumentException(
                $"Schedule '{expression}' has {parts.Length} fields; write five (minute hour day-of-month month day-of-week) or six with seconds first.",
                nameof(expression));
        }

        CronFieldKind[] kinds = parts.Length == 6
            ? [CronFieldKind.Second, CronFieldKind.Minute, CronFieldKind.Hour, CronFieldKind.DayOfMonth, CronFieldKind.Month, CronFieldKind.DayOfWeek]
            : [CronFieldKind.Minute, CronFieldKind.Hour, CronFieldKind.DayOfMonth, CronFieldKind.Month, CronFieldKind.DayOfWeek];
        var fields = new CronField[6];
        fields[0] = CronField.Parse("0", CronFieldKind.Second);
        try
        {
            for (var i = 0; i < parts.Length; i++)
            {
                fields[(int)kinds[i]] = CronField.Parse(parts[i], kinds[i]);
            }
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"Schedule '{expression}': {ex.Message}", nameof(expression), ex);
        }

        if (!fields[(int)CronFieldKind.DayOfMonth].IsAny && !fields[(int)CronFieldKind.DayOfWeek].IsAny)
        {
            throw new ArgumentException(
                $"Schedule '{expression}' restricts both day-of-month and day-of-week; restrict one and write * in the other "
                + "(EventBridge forbids both, unix cron matches either, NCRONTAB and Cronos match both).",
                nameof(expression));
        }

        try
        {
            return new CronSchedule(fields, timeZone);
        }
        catch (CronFormatException ex)
        {
            throw new ArgumentException($"Schedule '{expression}': {ex.Message}", nameof(expression), ex);
        }
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/>, in the schedule's time zone; null if there is none.</summary>
    public DateTimeOffset? NextOccurrence(DateTimeOffset after) => _cron.GetNextOccurrence(after, TimeZone);

    /// <summary>
    /// The run due now, given the scheduled time of the last run: null when no occurrence has passed since; otherwise one
    /// run for the latest occurrence, with every earlier one it passed over counted in
    /// <see cref="ScheduledInvocation.MissedTicks"/>. A host that was down runs a missed tick once, not once per tick.
    /// </summary>
    /// <param name="lastScheduled">The <see cref="ScheduledInvocation.ScheduledTime"/> of the last run (a host starting fresh passes its start time).</param>
    /// <param name="timeProvider">The clock saying what now is.</param>
    /// <param name="lateAfter">
    /// How late a single run may start before it counts as past due; <see cref="ScheduledInvocation.LateAfter"/> by default.
    /// </param>
    public ScheduledInvocation? DueSince(DateTimeOffset lastScheduled, TimeProvider timeProvider, TimeSpan? lateAfter = null)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var now = timeProvider.GetUtcNow();
        if (now <= lastScheduled)
        {
            return null;
        }

        DateTimeOffset? latest = null;
        var due = 0;
        foreach (var occurrence in _cron.GetOccurrences(lastScheduled, now, TimeZone, fromInclusive: false, toInclusive: true))
        {
            latest = occurrence;
            due++;
        }

        if (latest is not { } scheduled)
        {
            return null;
        }

        return new ScheduledInvocation
        {
            ScheduledTime = scheduled,
            FiredAt = now,
            MissedTicks = due - 1,
            IsPastDue = due > 1 || now - scheduled >= (lateAfter ?? ScheduledInvocation.LateAfter),
        };
    }

    /// <inheritdoc />
    public override string ToString() => $"{Expression} ({TimeZoneId})";

    private static TimeZoneInfo Resolve(string id)
    {
        if (id is "UTC" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException ex)
        {
            throw new InvalidOperationException($"Time zone '{id}' is not in this host's time zone database.", ex);
        }
        catch (InvalidTimeZoneException ex)
        {
            throw new InvalidOperationException($"Time zone '{id}' is corrupt in this host's time zone database.", ex);
        }
    }
}
