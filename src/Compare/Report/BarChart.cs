using System.Globalization;
using System.Text;

namespace Portable.Compare.Report;

/// <summary>
/// A bar chart of durations as inline SVG, drawn from the figures alone (no script): groups along the x axis (one per
/// host), one bar per series in each group, a y axis with round ticks printed as durations, a tooltip
/// (<c>&lt;title&gt;</c>) and a value label on every bar. Text and lines take their colours from the page's CSS, so
/// the chart follows the light or dark colour scheme; bars keep their host's colour.
/// </summary>
internal static class BarChart
{
    /// <summary>One group of bars: a host, its colour, and its bars in series order.</summary>
    public sealed record Group(string Label, string Colour, IReadOnlyList<Bar> Bars);

    /// <summary>One bar: its series (<c>p50</c>), its value (none leaves the slot empty), and whether it is drawn lighter.</summary>
    public sealed record Bar(string Series, TimeSpan? Value, bool Light = false);

    private const double Left = 76;
    private const double Right = 16;
    private const double Top = 22;
    private const double PlotHeight = 200;
    private const double BarWidth = 34;
    private const double BarGap = 6;
    private const double GroupGap = 30;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Appends the chart as an <c>&lt;svg&gt;</c> element.</summary>
    /// <param name="html">Where to write.</param>
    /// <param name="id">The element's id.</param>
    /// <param name="title">What the chart shows, read by screen readers and shown as the chart's tooltip.</param>
    /// <param name="axisTitle">The y axis's title.</param>
    /// <param name="showSeries">Whether each bar is labelled with its series under the axis.</param>
    /// <param name="groups">The groups, left to right.</param>
    public static void Render(StringBuilder html, string id, string title, string axisTitle, bool showSeries, IReadOnlyList<Group> groups)
    {
        var perGroup = groups.Count == 0 ? 1 : groups.Max(g => g.Bars.Count);
        var groupWidth = (perGroup * BarWidth) + ((perGroup - 1) * BarGap) + GroupGap;
        var bottom = showSeries ? 62.0 : 48.0;
        var width = Math.Max(260, Left + (groups.Count * groupWidth) + Right);
        var height = Top + PlotHeight + bottom;
        var baseline = Top + PlotHeight;

        var max = groups.SelectMany(g => g.Bars).Select(b => b.Value?.TotalMilliseconds ?? 0).DefaultIfEmpty(0).Max();
        var (step, tickCount) = Ticks(max);
        var axisMax = step * tickCount;

        html.Append("<svg id=\"").Append(Html.Attribute(id)).Append("\" class=\"chart\" role=\"img\" aria-labelledby=\"")
            .Append(Html.Attribute(id)).Append("-title\" width=\"").Append(N(width)).Append("\" height=\"").Append(N(height))
            .Append("\" viewBox=\"0 0 ").Append(N(width)).Append(' ').Append(N(height)).Append("\">");
        html.Append("<title id=\"").Append(Html.Attribute(id)).Append("-title\">").Append(Html.Text(title)).Append("</title>");

        // The y axis: a grid line and a label per tick, the axis title turned along it.
        html.Append("<g class=\"axis y-axis\">");
        for (var i = 0; i <= tickCount; i++)
        {
            var y = baseline - (PlotHeight * i / tickCount);
            html.Append("<line class=\"grid\" x1=\"").Append(N(Left)).Append("\" x2=\"").Append(N(width - Right))
                .Append("\" y1=\"").Append(N(y)).Append("\" y2=\"").Append(N(y)).Append("\"/>");
            html.Append("<text class=\"tick\" x=\"").Append(N(Left - 6)).Append("\" y=\"").Append(N(y + 4))
                .Append("\" text-anchor=\"end\">").Append(Html.Text(ReportFormat.Duration(TimeSpan.FromMilliseconds(step * i))))
                .Append("</text>");
        }

        html.Append("<text class=\"axis-title\" transform=\"translate(14 ").Append(N(Top + (PlotHeight / 2)))
            .Append(") rotate(-90)\" text-anchor=\"middle\">").Append(Html.Text(axisTitle)).Append("</text>");
        html.Append("</g>");

        // The bars, a group per host.
        for (var g = 0; g < groups.Count; g++)
        {
            var group = groups[g];
            var groupLeft = Left + (GroupGap / 2) + (g * groupWidth);
            html.Append("<g class=\"group\" data-host=\"").Append(Html.Attribute(group.Label)).Append("\">");
            for (var b = 0; b < group.Bars.Count; b++)
            {
                var bar = group.Bars[b];
                var x = groupLeft + (b * (BarWidth + BarGap));
                var centre = x + (BarWidth / 2);
                if (bar.Value is { } value)
                {
                    var ms = Math.Max(0, value.TotalMilliseconds);
                    var barHeight = ms == 0 ? 0 : Math.Max(1, PlotHeight * ms / axisMax);
                    var label = ReportFormat.Duration(value);
                    html.Append("<rect class=\"bar\" data-series=\"").Append(Html.Attribute(bar.Series))
                        .Append("\" x=\"").Append(N(x)).Append("\" y=\"").Append(N(baseline - barHeight))
                        .Append("\" width=\"").Append(N(BarWidth)).Append("\" height=\"").Append(N(barHeight))
                        .Append("\" fill=\"").Append(Html.Attribute(group.Colour)).Append('"');
                    if (bar.Light)
                    {
                        html.Append(" fill-opacity=\"0.5\"");
                    }

                    html.Append("><title>").Append(Html.Text(group.Label)).Append(' ').Append(Html.Text(bar.Series))
                        .Append(": ").Append(Html.Text(label)).Append("</title></rect>");
                    html.Append("<text class=\"value\" x=\"").Append(N(centre)).Append("\" y=\"").Append(N(baseline - barHeight - 5))
                        .Append("\" text-anchor=\"middle\">").Append(Html.Text(label)).Append("</text>");
                }

                if (showSeries)
                {
                    html.Append("<text class=\"series\" x=\"").Append(N(centre)).Append("\" y=\"").Append(N(baseline + 15))
                        .Append("\" text-anchor=\"middle\">").Append(Html.Text(bar.Series)).Append("</text>");
                }
            }

            var groupCentre = groupLeft + (((group.Bars.Count * BarWidth) + ((group.Bars.Count - 1) * BarGap)) / 2);
            html.Append("<text class=\"host\" x=\"").Append(N(groupCentre)).Append("\" y=\"").Append(N(baseline + (showSeries ? 32 : 18)))
                .Append("\" text-anchor=\"middle\">").Append(Html.Text(group.Label)).Append("</text>");
            html.Append("</g>");
        }

        html.Append("<line class=\"baseline\" x1=\"").Append(N(Left)).Append("\" x2=\"").Append(N(width - Right))
            .Append("\" y1=\"").Append(N(baseline)).Append("\" y2=\"").Append(N(baseline)).Append("\"/>");
        html.Append("<text class=\"axis-title\" x=\"").Append(N(Left + ((width - Left - Right) / 2))).Append("\" y=\"")
            .Append(N(height - 6)).Append("\" text-anchor=\"middle\">host</text>");
        html.Append("</svg>");
    }

    /// <summary>A round tick step (1, 2 or 5 times a power of ten, in milliseconds) and how many steps reach past the largest value.</summary>
    internal static (double Step, int Count) Ticks(double maxMilliseconds)
    {
        if (!(maxMilliseconds > 0))
        {
            return (1, 1);
        }

        var rough = maxMilliseconds / 4;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var step = 10 * magnitude;
        foreach (var multiple in new[] { 1.0, 2.0, 5.0 })
        {
            if (multiple * magnitude >= rough)
            {
                step = multiple * magnitude;
                break;
            }
        }

        return (step, Math.Max(1, (int)Math.Ceiling((maxMilliseconds / step) - 1e-9)));
    }

    private static string N(double value) => value.ToString("0.#", Invariant);
}
