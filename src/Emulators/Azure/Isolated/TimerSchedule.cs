using System.Globalization;
using Cronos;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// A <c>timerTrigger</c> schedule as the Functions host reads it: an NCRONTAB expression of six fields
/// (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>; five fields leave out the seconds), parsed by Cronos
/// as Core's schedules are; or a <c>TimeSpan</c> (<c>hh:mm:ss</c>), an interval since the last run. Times are UTC.
/// </summary>
public sealed class TimerSchedule
{
    private readonly CronExpression? _cron;
    private readonly TimeSpan? _interval;

    private TimerSchedule(string text, CronExpression? cron, TimeSpan? interval)
    {
        Text = text;
        _cron = cron;
        _interval = interval;
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>Parses a schedule; throws <see cref="FormatException"/> saying what is wrong with it.</summary>
    public static TimerSchedule Parse(string schedule)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schedule);
        var text = schedule.Trim();
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length == 1 && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval))
        {
            return interval > TimeSpan.Zero ? new TimerSchedule(text, null, interval) : throw new FormatException($"Schedule '{text}': an interval must be positive.");
        }

        if (fields.Length is not (5 or 6))
        {
            throw new FormatException($"Schedule '{text}' has {fields.Length} fields; NCRONTAB takes six ({{second}} {{minute}} {{hour}} {{day}} {{month}} {{day-of-week}}) or five (no seconds).");
        }

        // Cronos reads a reversed range (10-5) as wrapping around; NCrontab, the host's parser, refuses it.
        foreach (var range in fields.SelectMany(f => f.Split(',')).Select(r => r.Split('/')[0].Split('-')))
        {
            if (range is [var first, var last] && int.TryParse(first, CultureInfo.InvariantCulture, out var a) && int.TryParse(last, CultureInfo.InvariantCulture, out var b) && a > b)
            {
                throw new FormatException($"Schedule '{text}': the range {first}-{last} runs backwards.");
            }
        }

        try
        {
            return new TimerSchedule(text, CronExpression.Parse(string.Join(' ', fields), fields.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard), null);
        }
        catch (CronFormatException ex)
        {
            throw new FormatException($"Schedule '{text}': {ex.Message}", ex);
        }
    }

    /// <summary>
    /// The first time strictly after <paramref name="after"/> the schedule fires; for an interval, <paramref name="after"/>
    /// plus the interval (the host counts it from the last run).
    /// </summary>
    /// <exception cref="InvalidOperationException">The expression never matches (the 30th of February).</exception>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (_interval is { } interval)
        {
            return after.ToUniversalTime() + interval;
        }

        return _cron!.GetNextOccurrence(after, TimeZoneInfo.Utc)
            ?? throw new InvalidOperationException($"Schedule '{Text}' never fires.");
    }

    /// <inheritdoc />
    public override string ToString() => Text;
}
