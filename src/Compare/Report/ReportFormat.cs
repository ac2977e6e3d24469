using System.Globalization;
using System.Text;
using Portable.Compare.Model;

namespace Portable.Compare.Report;

/// <summary>
/// The text both reports print for the model's values, so the Markdown and the HTML tables say the same thing in the
/// same words: readable durations, a dash for an empty cell, a mark on a row that did not do what the pattern promises.
/// Everything is formatted with the invariant culture, so a report reads the same on every machine.
/// </summary>
internal static class ReportFormat
{
    /// <summary>What an empty cell shows (an en dash).</summary>
    public const string Empty = "\u2013";

    /// <summary>The mark in front of the outcome of a row whose <see cref="HostResult.AsExpected"/> is false.</summary>
    public const char UnexpectedMark = '\u26A0';

    /// <summary>What the mark means, for a legend or a tooltip.</summary>
    public const string UnexpectedMeaning = "not what the pattern promises on this host";

    /// <summary>The report's title, as both files print it.</summary>
    public const string Title = "Portable compare report";

    /// <summary>The table's columns, in the order every row's cells follow.</summary>
    public static IReadOnlyList<string> Columns { get; } =
        ["Host", "Outcome", "Attempts", "Duplicates suppressed", "Effects", "p50", "p99", "Cold start", "Platform limit"];

    /// <summary>Whether a column holds a number or a duration (right-aligned) rather than words.</summary>
    public static bool IsNumeric(int column) => column is 2 or 3 or 5 or 6 or 7;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>One row's cells in <see cref="Columns"/> order, as plain text; the outcome carries the mark when the row is unexpected.</summary>
    public static IReadOnlyList<string> Cells(HostResult row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var outcome = Text(row.Outcome);
        return
        [
            Text(row.Host),
            row.AsExpected ? outcome : UnexpectedMark + " " + outcome,
            Count(row.Attempts),
            Count(row.DuplicatesSuppressed),
            Text(row.Effects),
            Duration(row.P50),
            Duration(row.P99),
            Duration(row.ColdStart),
            Text(row.Limit),
        ];
    }

    /// <summary>A count, or the empty mark.</summary>
    public static string Count(int? value) => value is { } n ? n.ToString(Invariant) : Empty;

    /// <summary>Free text on one line (runs of whitespace, new lines among them, become one space), or the empty mark.</summary>
    public static string Text(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Empty;
        }

        var text = new StringBuilder(value.Length);
        var pendingSpace = false;
        foreach (var c in value.Trim())
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
                continue;
            }

            if (pendingSpace)
            {
                text.Append(' ');
                pendingSpace = false;
            }

            text.Append(c);
        }

        return text.ToString();
    }

    /// <summary>A duration, or the empty mark.</summary>
    public static string Duration(TimeSpan? value) => value is { } d ? Duration(d) : Empty;

    /// <summary>
    /// A duration the way a person says it: <c>0.35 ms</c>, <c>2.5 ms</c>, <c>12 ms</c>, <c>1.4 s</c>, <c>29 s</c>,
    /// <c>3 min 50 s</c>, <c>2 h 5 min</c>. Each figure is rounded to the unit it is printed in before the unit is
    /// chosen, so 999.7 ms prints as <c>1 s</c>, never <c>1000 ms</c>.
    /// </summary>
    public static string Duration(TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            return "-" + Duration(value.Duration());
        }

        var ms = value.TotalMilliseconds;
        if (ms == 0)
        {
            return "0 ms";
        }

        if (ms < 10)
        {
            var rounded = Math.Round(ms, ms < 1 ? 2 : 1, MidpointRounding.AwayFromZero);
            if (rounded == 0)
            {
                return "< 0.01 ms";
            }

            if (rounded < 10)
            {
                return rounded.ToString("0.##", Invariant) + " ms";
            }
        }

        if (ms < 1000)
        {
            var rounded = Math.Round(ms, MidpointRounding.AwayFromZero);
            if (rounded < 1000)
            {
                return rounded.ToString("0", Invariant) + " ms";
            }
        }

        var seconds = ms / 1000;
        if (seconds < 60)
        {
            var rounded = Math.Round(seconds, 1, MidpointRounding.AwayFromZero);
            if (rounded < 60)
            {
                return rounded.ToString("0.#", Invariant) + " s";
            }
        }

        var wholeSeconds = (long)Math.Round(seconds, MidpointRounding.AwayFromZero);
        if (wholeSeconds < 3600)
        {
            var (minutes, rest) = Math.DivRem(wholeSeconds, 60);
            return rest == 0
                ? minutes.ToString(Invariant) + " min"
                : minutes.ToString(Invariant) + " min " + rest.ToString(Invariant) + " s";
        }

        var wholeMinutes = (long)Math.Round(seconds / 60, MidpointRounding.AwayFromZero);
        var (hours, minutesLeft) = Math.DivRem(wholeMinutes, 60);
        return minutesLeft == 0
            ? hours.ToString(Invariant) + " h"
            : hours.ToString(Invariant) + " h " + minutesLeft.ToString(Invariant) + " min";
    }

    /// <summary>When the run started, in UTC to the second: <c>2026-11-01 09:30:00 UTC</c>.</summary>
    public static string Timestamp(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", Invariant) + " UTC";

    /// <summary>The sentence a partial run's report opens with.</summary>
    public static string PartialRun(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var why = string.IsNullOrWhiteSpace(report.StoppedBecause) ? "no reason was recorded" : Text(report.StoppedBecause).TrimEnd('.');
        var held = report.Scenarios.Count == 1 ? "1 scenario" : report.Scenarios.Count.ToString(Invariant) + " scenarios";
        return $"The run stopped early ({why}). This report holds the {held} that finished; the rest did not run.";
    }
}
