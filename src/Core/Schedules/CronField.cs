using System.Globalization;
using System.Text;

namespace Portable.Core.Schedules;

/// <summary>Which of the six fields of a canonical cron expression a <see cref="CronField"/> is.</summary>
internal enum CronFieldKind
{
    Second,
    Minute,
    Hour,
    DayOfMonth,
    Month,
    DayOfWeek,
}

/// <summary>What one comma-separated item of a field says.</summary>
internal enum CronItemKind
{
    /// <summary><c>*</c> (or <c>?</c> in the day fields).</summary>
    Any,

    /// <summary><c>*/n</c>.</summary>
    AnyStep,

    /// <summary><c>a</c>, <c>a-b</c> or <c>a-b/n</c>.</summary>
    Range,

    /// <summary><c>L</c> in day-of-month: the month's last day.</summary>
    LastDayOfMonth,

    /// <summary><c>nW</c> in day-of-month: the weekday nearest day n.</summary>
    NearestWeekday,

    /// <summary><c>nL</c> in day-of-week: the month's last weekday n.</summary>
    LastWeekdayOfMonth,

    /// <summary><c>n#k</c> in day-of-week: the month's k-th weekday n.</summary>
    NthWeekdayOfMonth,
}

/// <summary>One item: for a range its bounds and step; for the special items the day (and for <c>#</c> the ordinal in <c>To</c>).</summary>
internal readonly record struct CronItem(CronItemKind Kind, int From = 0, int To = 0, int Step = 1)
{
    public bool IsSpecial => Kind is CronItemKind.LastDayOfMonth or CronItemKind.NearestWeekday or CronItemKind.LastWeekdayOfMonth or CronItemKind.NthWeekdayOfMonth;
}

/// <summary>
/// One parsed field of the canonical form, names already turned into numbers. The grammar is the intersection the
/// clouds share plus the day specials EventBridge adds: <c>*</c>, <c>a</c>, <c>a-b</c>, <c>*/n</c>, <c>a-b/n</c>,
/// lists of those, <c>?</c> in the day fields, <c>L</c> and <c>nW</c> in day-of-month, <c>nL</c> and <c>n#k</c> in
/// day-of-week (a special stands alone in its field). Cronos reads more (reversed ranges, <c>a/n</c>, <c>H</c>,
/// <c>L-n</c>, <c>LW</c>); no cloud reads those the same way, so the canonical form refuses them.
/// </summary>
internal sealed class CronField
{
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private CronField(CronFieldKind kind, IReadOnlyList<CronItem> items)
    {
        Kind = kind;
        Items = items;
    }

    public CronFieldKind Kind { get; }

    public IReadOnlyList<CronItem> Items { get; }

    /// <summary>The field's smallest value.</summary>
    public int Min => MinOf(Kind);

    /// <summary>The field's largest value (7 for day-of-week, where 7 is Sunday as 0 is).</summary>
    public int Max => MaxOf(Kind);

    /// <summary>True for <c>*</c> or <c>?</c>: the field does not restrict.</summary>
    public bool IsAny => Items is [{ Kind: CronItemKind.Any }];

    /// <summary>The field's one special item (<c>L</c>, <c>nW</c>, <c>nL</c>, <c>n#k</c>), or null.</summary>
    public CronItem? Special => Items is [{ IsSpecial: true } item] ? item : null;

    /// <summary>True when the field is exactly the single value <paramref name="value"/>.</summary>
    public bool IsExactly(int value) => Items is [{ Kind: CronItemKind.Range, Step: 1 } item] && item.From == value && item.To == value;

    /// <summary>Parses one field; throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static CronField Parse(string text, CronFieldKind kind)
    {
        var parts = text.Split(',');
        var items = new CronItem[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            items[i] = ParseItem(parts[i], kind);
        }

        if (items.Length > 1 && items.Any(item => item.IsSpecial || item.Kind == CronItemKind.Any))
        {
            throw new FormatException($"{NameOf(kind)} '{text}': '*', '?', L, W and # must stand alone in their field.");
        }

        return new CronField(kind, items);
    }

    /// <summary>The field in the canonical text: numbers only, <c>?</c> written <c>*</c>.</summary>
    public string Render()
    {
        var text = new StringBuilder();
        foreach (var item in Items)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(Render(item));
        }

        return text.ToString();
    }

    /// <summary>Renders one item as the canonical text writes it.</summary>
    public static string Render(CronItem item) => item.Kind switch
    {
        CronItemKind.Any => "*",
        CronItemKind.AnyStep => Invariant($"*/{item.Step}"),
        CronItemKind.Range when item.From == item.To && item.Step == 1 => Invariant($"{item.From}"),
        CronItemKind.Range when item.Step == 1 => Invariant($"{item.From}-{item.To}"),
        CronItemKind.Range => Invariant($"{item.From}-{item.To}/{item.Step}"),
        CronItemKind.LastDayOfMonth => "L",
        CronItemKind.NearestWeekday => Invariant($"{item.From}W"),
        CronItemKind.LastWeekdayOfMonth => Invariant($"{item.From}L"),
        _ => Invariant($"{item.From}#{item.To}"),
    };

    /// <summary>
    /// Every value the field matches, in order; day-of-week values are 0-6 with Sunday 0 (a 7 counts as 0).
    /// Only for fields without a special item.
    /// </summary>
    public IReadOnlyList<int> Values()
    {
        var max = Kind == CronFieldKind.DayOfWeek ? 6 : Max;
        var values = new SortedSet<int>();
        foreach (var item in Items)
        {
            var (from, to, step) = item.Kind switch
            {
                CronItemKind.Any => (Min, max, 1),
                CronItemKind.AnyStep => (Min, max, item.Step),
                CronItemKind.Range => (item.From, item.To, item.Step),
                _ => throw new InvalidOperationException($"{NameOf(Kind)} item {Render(item)} is not a set of values."),
            };
            for (var value = from; value <= to; value += step)
            {
                values.Add(Kind == CronFieldKind.DayOfWeek ? value % 7 : value);
            }
        }

        return [.. values];
    }

    /// <summary>Writes sorted values as a comma list, runs of consecutive values as ranges: 1,2,3,5 is <c>1-3,5</c>.</summary>
    public static string Compact(IEnumerable<int> sorted)
    {
        var text = new StringBuilder();
        int? start = null;
        var previous = 0;
        foreach (var value in sorted)
        {
            if (start is not null && value == previous + 1)
            {
                previous = value;
                continue;
            }

            Flush();
            start = previous = value;
        }

        Flush();
        return text.ToString();

        void Flush()
        {
            if (start is not { } first)
            {
                return;
            }

            if (text.Length > 0)
            {
                text.Append(',');
            }

            text.Append(first == previous ? Invariant($"{first}") : Invariant($"{first}-{previous}"));
        }
    }

    /// <summary>The field's name as the messages say it.</summary>
    public static string NameOf(CronFieldKind kind) => kind switch
    {
        CronFieldKind.Second => "second",
        CronFieldKind.Minute => "minute",
        CronFieldKind.Hour => "hour",
        CronFieldKind.DayOfMonth => "day-of-month",
        CronFieldKind.Month => "month",
        _ => "day-of-week",
    };

    private static int MinOf(CronFieldKind kind) => kind is CronFieldKind.DayOfMonth or CronFieldKind.Month ? 1 : 0;

    private static int MaxOf(CronFieldKind kind) => kind switch
    {
        CronFieldKind.Second or CronFieldKind.Minute => 59,
        CronFieldKind.Hour => 23,
        CronFieldKind.DayOfMonth => 31,
        CronFieldKind.Month => 12,
        _ => 7,
    };

    private static CronItem ParseItem(string text, CronFieldKind kind)
    {
        var name = NameOf(kind);
        if (text.Length == 0)
        {
            throw new FormatException($"{name} has an empty list item.");
        }

        if (text == "*" || (text == "?" && kind is CronFieldKind.DayOfMonth or CronFieldKind.DayOfWeek))
        {
            return new CronItem(CronItemKind.Any);
        }

        if (text.StartsWith("*/", StringComparison.Ordinal))
        {
            return new CronItem(CronItemKind.AnyStep, Step: ParseStep(text[2..], kind));
        }

        if (kind == CronFieldKind.DayOfMonth)
        {
            if (text is "L" or "l")
            {
                return new CronItem(CronItemKind.LastDayOfMonth);
            }

            if (text.Length > 1 && text[^1] is 'W' or 'w' && !text.StartsWith('L'))
            {
                return new CronItem(CronItemKind.NearestWeekday, ParseValue(text[..^1], kind));
            }
        }

        if (kind == CronFieldKind.DayOfWeek)
        {
            if (text.Length > 1 && text[^1] is 'L' or 'l')
            {
                return new CronItem(CronItemKind.LastWeekdayOfMonth, ParseValue(text[..^1], kind));
            }

            if (text.IndexOf('#', StringComparison.Ordinal) is var hash and > 0)
            {
                var day = ParseValue(text[..hash], kind);
                if (!int.TryParse(text[(hash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var nth) || nth is < 1 or > 5)
                {
                    throw new FormatException($"{name} '{text}': the week after # must be 1-5.");
                }

                return new CronItem(CronItemKind.NthWeekdayOfMonth, day, nth);
            }
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        var range = slash < 0 ? text : text[..slash];
        var step = slash < 0 ? 1 : ParseStep(text[(slash + 1)..], kind);
        var dash = range.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            if (slash >= 0)
            {
                throw new FormatException($"{name} '{text}': a step needs '*' or a range before it (write */n or a-b/n; clouds disagree on a/n).");
            }

            var value = ParseValue(range, kind);
            return new CronItem(CronItemKind.Range, value, value);
        }

        var from = ParseValue(range[..dash], kind);
        var to = ParseValue(range[(dash + 1)..], kind);
        if (from > to)
        {
            throw new FormatException($"{name} '{text}': a reversed range is not portable; write it as two ranges.");
        }

        return new CronItem(CronItemKind.Range, from, to, step);
    }

    private static int ParseValue(string text, CronFieldKind kind)
    {
        var names = kind switch
        {
            CronFieldKind.Month => MonthNames,
            CronFieldKind.DayOfWeek => DayNames,
            _ => null,
        };
        if (names is not null)
        {
            var index = Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
            if (index >= 0)
            {
                return kind == CronFieldKind.Month ? index + 1 : index;
            }
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < MinOf(kind) || value > MaxOf(kind))
        {
            var allowed = names is null ? "" : kind == CronFieldKind.Month ? " or JAN-DEC" : " or SUN-SAT";
            throw new FormatException($"{NameOf(kind)} '{text}' is not {MinOf(kind)}-{MaxOf(kind)}{allowed}.");
        }

        return value;
    }

    private static int ParseStep(string text, CronFieldKind kind)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var step) || step < 1 || step > MaxOf(kind))
        {
            throw new FormatException($"{NameOf(kind)} step '{text}' must be 1-{MaxOf(kind)}.");
        }

        return step;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
