using System.Globalization;
using System.Text;
using Portable.Compare.Model;

namespace Portable.Compare.Report;

/// <summary>
/// Renders a <see cref="CompareReport"/> as one self-contained HTML5 page (<c>compare-report.html</c>): the same
/// tables as <see cref="MarkdownReport"/>, a latency chart (p50 and p99 per host) and a cold-start chart per scenario
/// that has those figures, drawn as inline SVG. The page has inline CSS only, no script and no address outside
/// itself, so it opens the same from a disk, an e-mail attachment or a CI artifact, offline; it follows the reader's
/// light or dark colour scheme. Every piece of text from the model is HTML-escaped.
/// </summary>
public static class HtmlReport
{
    /// <summary>The id of a scenario's table: <c>scenario-{Id}</c>.</summary>
    /// <param name="scenarioId">The scenario's <see cref="ScenarioReport.Id"/>.</param>
    /// <returns>The element id.</returns>
    public static string TableId(string scenarioId) => "scenario-" + scenarioId;

    /// <summary>The id of a scenario's latency chart: <c>latency-{Id}</c>.</summary>
    /// <param name="scenarioId">The scenario's <see cref="ScenarioReport.Id"/>.</param>
    /// <returns>The element id.</returns>
    public static string LatencyChartId(string scenarioId) => "latency-" + scenarioId;

    /// <summary>The id of a scenario's cold-start chart: <c>cold-start-{Id}</c>.</summary>
    /// <param name="scenarioId">The scenario's <see cref="ScenarioReport.Id"/>.</param>
    /// <returns>The element id.</returns>
    public static string ColdStartChartId(string scenarioId) => "cold-start-" + scenarioId;

    private const string Style = """
        :root{color-scheme:light dark;--bg:#ffffff;--fg:#1f2328;--muted:#59636e;--border:#d1d9e0;--stripe:#f6f8fa;--grid:#e4e8ec;--warn:#8a5a00;--warn-bg:#fff5c2;--link:#0969da}
        @media (prefers-color-scheme:dark){:root{--bg:#0d1117;--fg:#e6edf3;--muted:#9198a1;--border:#3d444d;--stripe:#161b22;--grid:#262c36;--warn:#e3b341;--warn-bg:#3a2d0c;--link:#58a6ff}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:80rem;padding:1.5rem;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
        h1{margin:0 0 .25rem;font-size:1.6rem}
        h2{margin:2.25rem 0 .25rem;font-size:1.25rem;border-bottom:1px solid var(--border);padding-bottom:.25rem}
        a{color:var(--link)}
        .run,.pattern,.legend,figcaption{color:var(--muted)}
        .tag{display:inline-block;padding:0 .5rem;margin-right:.4rem;border:1px solid var(--border);border-radius:1rem;font-size:.85rem;color:var(--fg)}
        .partial{padding:.6rem .9rem;border-left:4px solid var(--warn);background:var(--warn-bg)}
        nav ul{margin:.5rem 0;padding-left:1.25rem;columns:2 18rem}
        .table-wrap{overflow-x:auto}
        table{border-collapse:collapse;margin:.75rem 0;min-width:100%;font-variant-numeric:tabular-nums}
        th,td{border:1px solid var(--border);padding:.35rem .6rem;text-align:left;vertical-align:top}
        thead th{background:var(--stripe);white-space:nowrap}
        td.num{text-align:right;white-space:nowrap}
        tbody tr:nth-child(even){background:var(--stripe)}
        tr.unexpected td.outcome{background:var(--warn-bg)}
        .mark{color:var(--warn)}
        .swatch{display:inline-block;width:.75rem;height:.75rem;margin-right:.45rem;border-radius:2px;vertical-align:-1px}
        ul.notes{margin:.25rem 0;padding-left:1.25rem}
        .charts{display:flex;flex-wrap:wrap;gap:1.5rem;margin-top:.75rem}
        figure{margin:0;max-width:100%}
        svg.chart{max-width:100%;height:auto;display:block}
        .chart text{fill:var(--fg);font-size:11px;font-family:inherit}
        .chart .tick,.chart .series{fill:var(--muted)}
        .chart .value{font-size:10px}
        .chart .axis-title{fill:var(--muted);font-size:11px}
        .chart .grid{stroke:var(--grid);stroke-width:1}
        .chart .baseline{stroke:var(--muted);stroke-width:1}
        .chart rect.bar{stroke:none}
        footer{margin-top:2.5rem}
        """;

    /// <summary>The report as an HTML document.</summary>
    /// <param name="report">The run to render.</param>
    /// <returns>The whole page, ending in a new line.</returns>
    public static string Render(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var palette = HostPalette.For(report);
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<meta name=\"color-scheme\" content=\"light dark\">\n")
            .Append("<title>").Append(ReportFormat.Title).Append("</title>\n")
            .Append("<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n");

        html.Append("<header>\n<h1>").Append(ReportFormat.Title).Append("</h1>\n");
        html.Append("<p class=\"run\">Mode <strong>").Append(Html.Text(ReportFormat.Text(report.Mode)))
            .Append("</strong> · started <time datetime=\"")
            .Append(report.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))
            .Append("\">").Append(ReportFormat.Timestamp(report.StartedAt)).Append("</time> · ran ")
            .Append(Html.Text(ReportFormat.Duration(report.Duration))).Append("</p>\n");
        if (!report.Complete)
        {
            html.Append("<p class=\"partial\" role=\"status\"><strong>Partial run.</strong> ")
                .Append(Html.Text(ReportFormat.PartialRun(report))).Append("</p>\n");
        }

        if (report.Scenarios.Count > 1)
        {
            html.Append("<nav aria-label=\"Scenarios\">\n<ul>\n");
            foreach (var scenario in report.Scenarios)
            {
                html.Append("<li><a href=\"#").Append(Html.Attribute(SectionId(scenario.Id))).Append("\">")
                    .Append(Html.Text(ReportFormat.Text(scenario.Title))).Append("</a></li>\n");
            }

            html.Append("</ul>\n</nav>\n");
        }

        html.Append("</header>\n<main>\n");
        if (report.Scenarios.Count == 0)
        {
            html.Append("<p>No scenario ran.</p>\n");
        }

        foreach (var scenario in report.Scenarios)
        {
            AppendScenario(html, scenario, palette);
        }

        html.Append("</main>\n");
        if (report.Notes.Count > 0)
        {
            html.Append("<footer>\n<h2>Notes</h2>\n<ul class=\"notes\">\n");
            foreach (var note in report.Notes)
            {
                html.Append("<li>").Append(Html.Text(ReportFormat.Text(note))).Append("</li>\n");
            }

            html.Append("</ul>\n</footer>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    private static string SectionId(string scenarioId) => "section-" + scenarioId;

    private static void AppendScenario(StringBuilder html, ScenarioReport scenario, HostPalette palette)
    {
        html.Append("<section class=\"scenario\" id=\"").Append(Html.Attribute(SectionId(scenario.Id))).Append("\">\n");
        html.Append("<h2>").Append(Html.Text(ReportFormat.Text(scenario.Title))).Append("</h2>\n");
        html.Append("<p class=\"pattern\"><span class=\"tag\">").Append(Html.Text(ReportFormat.Text(scenario.Pattern)))
            .Append("</span>").Append(Html.Text(ReportFormat.Text(scenario.Description))).Append("</p>\n");

        if (scenario.Rows.Count == 0)
        {
            html.Append("<p>No host ran this scenario.</p>\n</section>\n");
            return;
        }

        AppendTable(html, scenario, palette);

        var unexpected = scenario.Rows.Count(r => !r.AsExpected);
        if (unexpected > 0)
        {
            html.Append("<p class=\"legend\"><span class=\"mark\">").Append(ReportFormat.UnexpectedMark).Append("</span> ")
                .Append(ReportFormat.UnexpectedMeaning).Append(" (")
                .Append(unexpected.ToString(CultureInfo.InvariantCulture)).Append(unexpected == 1 ? " row" : " rows").Append(").</p>\n");
        }

        var notes = scenario.Rows.Where(r => !string.IsNullOrWhiteSpace(r.Note)).ToList();
        if (notes.Count > 0)
        {
            html.Append("<ul class=\"notes\">\n");
            foreach (var row in notes)
            {
                html.Append("<li><strong>").Append(Html.Text(ReportFormat.Text(row.Host))).Append("</strong>: ")
                    .Append(Html.Text(ReportFormat.Text(row.Note))).Append("</li>\n");
            }

            html.Append("</ul>\n");
        }

        AppendCharts(html, scenario, palette);
        html.Append("</section>\n");
    }

    private static void AppendTable(StringBuilder html, ScenarioReport scenario, HostPalette palette)
    {
        html.Append("<div class=\"table-wrap\">\n<table id=\"").Append(Html.Attribute(TableId(scenario.Id))).Append("\">\n<thead>\n<tr>");
        for (var i = 0; i < ReportFormat.Columns.Count; i++)
        {
            html.Append("<th scope=\"col\"").Append(ReportFormat.IsNumeric(i) ? " class=\"num\"" : string.Empty).Append('>')
                .Append(Html.Text(ReportFormat.Columns[i])).Append("</th>");
        }

        html.Append("</tr>\n</thead>\n<tbody>\n");
        foreach (var row in scenario.Rows)
        {
            var cells = ReportFormat.Cells(row);
            html.Append(row.AsExpected ? "<tr" : "<tr class=\"unexpected\"").Append(" data-host=\"").Append(Html.Attribute(row.Host)).Append("\">");
            html.Append("<th scope=\"row\"><span class=\"swatch\" style=\"background:").Append(Html.Attribute(palette[row.Host]))
                .Append("\"></span>").Append(Html.Text(cells[0])).Append("</th>");
            html.Append("<td class=\"outcome\">");
            if (!row.AsExpected)
            {
                html.Append("<span class=\"mark\" title=\"").Append(ReportFormat.UnexpectedMeaning).Append("\">")
                    .Append(ReportFormat.UnexpectedMark).Append("</span> ").Append(Html.Text(ReportFormat.Text(row.Outcome)));
            }
            else
            {
                html.Append(Html.Text(cells[1]));
            }

            html.Append("</td>");
            for (var i = 2; i < cells.Count; i++)
            {
                html.Append(ReportFormat.IsNumeric(i) ? "<td class=\"num\">" : "<td>").Append(Html.Text(cells[i])).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</div>\n");
    }

    private static void AppendCharts(StringBuilder html, ScenarioReport scenario, HostPalette palette)
    {
        var latency = scenario.Rows
            .Where(r => r.P50 is not null || r.P99 is not null)
            .Select(r => new BarChart.Group(r.Host, palette[r.Host], [new BarChart.Bar("p50", r.P50, Light: true), new BarChart.Bar("p99", r.P99)]))
            .ToList();
        var coldStarts = scenario.Rows
            .Where(r => r.ColdStart is not null)
            .Select(r => new BarChart.Group(r.Host, palette[r.Host], [new BarChart.Bar("cold start", r.ColdStart)]))
            .ToList();
        if (latency.Count == 0 && coldStarts.Count == 0)
        {
            return;
        }

        var title = ReportFormat.Text(scenario.Title);
        html.Append("<div class=\"charts\">\n");
        if (latency.Count > 0)
        {
            html.Append("<figure>");
            BarChart.Render(html, LatencyChartId(scenario.Id), title + ": p50 and p99 latency per host", "latency", showSeries: true, latency);
            html.Append("<figcaption>Latency per host: p50 (lighter bar) and p99.</figcaption></figure>\n");
        }

        if (coldStarts.Count > 0)
        {
            html.Append("<figure>");
            BarChart.Render(html, ColdStartChartId(scenario.Id), title + ": cold start per host", "cold start", showSeries: false, coldStarts);
            html.Append("<figcaption>Cold start per host: from starting the host to its first answer.</figcaption></figure>\n");
        }

        html.Append("</div>\n");
    }
}
