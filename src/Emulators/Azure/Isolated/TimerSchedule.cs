using System.Globalization;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// A <c>timerTrigger</c> schedule as the Functions host reads it: an NCRONTAB expression of six fields
/// (<c>{second} {minute} {hour} {day} {month} {day-of-week}</c>; five fields leave out the seconds), each a
/// <c>*</c>, a number, a range <c>a-b</c>, a step <c>*/n</c> or <c>a-b/n</c>, or a comma list of those, months and
/// days also by three-letter name; or a <c>TimeSpan</c> (<c>hh:mm:ss</c>), an interval since the last run. As in
/// NCrontab, a time matches only when both its day of month and its day of week do. Times are UTC.
/// </summary>
public sealed class TimerSchedule
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
    private readonly bool[][]? _fields; // second, minute, hour, day, month, day of week
    private readonly TimeSpan? _interval;

    private TimerSchedule(string text, bool[][]? fields, TimeSpan? interval)
    {
        Text = text;
        _fields = fields;
        _interval = interval;
    }

    /// <summary>The schedule as written.</summary>
    public string Text { get; }

    /// <summary>Parses a schedule; throws <see cref="FormatException"/> naming the field at fault.</summary>
    public static TimerSchedule Parse(string schedule)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(schedule);
        var text = schedule.Trim();
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 1 && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var interval))
        {
            return interval > TimeSpan.Zero ? new TimerSchedule(text, null, interval) : throw new FormatException($"Schedule '{text}': an interval must be positive.");
        }

        if (parts.Length == 5)
        {
            parts = ["0", .. parts];
        }

        if (parts.Length != 6)
        {
            throw new FormatException($"Schedule '{text}': NCRONTAB needs six fields (second minute hour day month day-of-week) or five.");
        }

        bool[][] fields =
        [
            ParseField(text, "second", parts[0], 0, 59, null),
            ParseField(text, "minute", parts[1], 0, 59, null),
            ParseField(text, "hour", parts[2], 0, 23, null),
            ParseField(text, "day", parts[3], 1, 31, null),
            ParseField(text, "month", parts[4], 1, 12, MonthNames),
            ParseField(text, "day-of-week", parts[5], 0, 7, DayNames),
        ];
        fields[5][0] |= fields[5][7]; // 7 is Sunday too
        return new TimerSchedule(text, fields, null);
    }

    /// <summary>The first occurrence strictly after <paramref name="after"/> (for an interval: <paramref name="after"/> plus the interval), in UTC.</summary>
    /// <exception cref="InvalidOperationException">No time in the next ten years matches (e.g. 30 February).</exception>
    public DateTimeOffset Next(DateTimeOffset after)
    {
        if (_interval is { } interval)
        {
            return after.ToUniversalTime() + interval;
        }

        var f = _fields!;
        var utc = after.UtcDateTime;
        var t = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, utc.Second, DateTimeKind.Utc).AddSeconds(1);
        var end = t.AddYears(10);
        while (t < end)
        {
            if (!f[4][t.Month])
            {
                t = new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1);
            }
            else if (!f[3][t.Day] || !f[5][(int)t.DayOfWeek])
            {
                t = t.Date.AddDays(1);
            }
            else if (!f[2][t.Hour])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc).AddHours(1);
            }
            else if (!f[1][t.Minute])
            {
                t = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
            }
            else if (!f[0][t.Second])
            {
                t = t.AddSeconds(1);
            }
            else
            {
                return new DateTimeOffset(t, TimeSpan.Zero);
            }
        }

        throw new InvalidOperationException($"Schedule '{Text}' has no occurrence in the ten years after {after:O}.");
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static bool[] ParseField(string schedule, string name, string field, int min, int max, string[]? names)
    {
        var allowed = new bool[max + 1];
        foreach (var item in field.Split(','))
        {
            var (range, stepText) = item.Split('/') switch
            {
                [var r] => (r, null),
                [var r, var s] => (r, s),
                _ => throw Bad(schedule, name, item),
            };
            var step = stepText is null ? 1 : int.TryParse(stepText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : throw Bad(schedule, name, item);
            int from, to;
            if (range == "*")
            {
                (from, to) = (min, max);
            }
            else if (range.Split('-') is [var a, var b])
            {
                (from, to) = (Value(schedule, name, a, min, max, names), Value(schedule, name, b, min, max, names));
            }
            else
            {
                from = Value(schedule, name, range, min, max, names);
                to = stepText is null ? from : max;
            }

            if (from > to)
            {
                throw Bad(schedule, name, item);
            }

            for (var v = from; v <= to; v += step)
            {
                allowed[v] = true;
            }
        }

        return allowed;
    }

    private static int Value(string schedule, string name, string text, int min, int max, string[]? names)
    {
        if (names is not null && Array.FindIndex(names, n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is >= 0 and var index)
        {
            return index + min;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw Bad(schedule, name, text);
    }

    private static FormatException Bad(string schedule, string name, string part) =>
        new($"Schedule '{schedule}': '{part}' is not a valid {name} field.");
}
