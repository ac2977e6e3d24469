using System.Globalization;
using System.Text;
using Portable.Compare.Model;

namespace Portable.Compare.Report;

/// <summary>
/// Renders a <see cref="CompareReport"/> as GitHub-flavoured Markdown (<c>compare-report.md</c>): the run's mode,
/// start and duration, a note when the run stopped early, then one table per scenario with a row per host.
/// The output depends only on the report (invariant culture, <c>\n</c> line ends), so it can be diffed and committed.
/// </summary>
public static class MarkdownReport
{
    /// <summary>The report as Markdown text.</summary>
    /// <param name="report">The run to render.</param>
    /// <returns>The whole document, ending in a new line.</returns>
    public static string Render(CompareReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var md = new StringBuilder();
        md.Append("# ").Append(ReportFormat.Title).Append('\n').Append('\n');
        md.Append("Mode: **").Append(Inline(report.Mode)).Append("** · started ")
            .Append(ReportFormat.Timestamp(report.StartedAt)).Append(" · ran ")
            .Append(ReportFormat.Duration(report.Duration)).Append('\n').Append('\n');

        if (!report.Complete)
        {
            md.Append("> **Partial run.** ").Append(Inline(ReportFormat.PartialRun(report))).Append('\n').Append('\n');
        }

        if (report.Scenarios.Count == 0)
        {
            md.Append("No scenario ran.\n");
        }
        else
        {
            md.Append("## Scenarios\n");
            foreach (var scenario in report.Scenarios)
            {
                AppendScenario(md, scenario);
            }
        }

        if (report.Notes.Count > 0)
        {
            md.Append('\n').Append("## Notes\n\n");
            foreach (var note in report.Notes)
            {
                md.Append("- ").Append(Inline(note)).Append('\n');
            }
        }

        return md.ToString();
    }

    private static void AppendScenario(StringBuilder md, ScenarioReport scenario)
    {
        md.Append('\n').Append("### ").Append(Inline(scenario.Title)).Append('\n').Append('\n');
        md.Append('*').Append(Inline(scenario.Pattern)).Append("* — ").Append(Inline(scenario.Description)).Append('\n').Append('\n');

        if (scenario.Rows.Count == 0)
        {
            md.Append("No host ran this scenario.\n");
            return;
        }

        md.Append('|');
        foreach (var column in ReportFormat.Columns)
        {
            md.Append(' ').Append(column).Append(" |");
        }

        md.Append('\n').Append('|');
        for (var i = 0; i < ReportFormat.Columns.Count; i++)
        {
            md.Append(ReportFormat.IsNumeric(i) ? " ---: |" : " --- |");
        }

        md.Append('\n');
        foreach (var row in scenario.Rows)
        {
            md.Append('|');
            foreach (var cell in ReportFormat.Cells(row))
            {
                md.Append(' ').Append(Cell(cell)).Append(" |");
            }

            md.Append('\n');
        }

        var unexpected = scenario.Rows.Count(r => !r.AsExpected);
        var notes = scenario.Rows.Where(r => !string.IsNullOrWhiteSpace(r.Note)).ToList();
        if (unexpected > 0 || notes.Count > 0)
        {
            md.Append('\n');
        }

        if (unexpected > 0)
        {
            md.Append(ReportFormat.UnexpectedMark).Append(' ').Append(ReportFormat.UnexpectedMeaning)
                .Append(" (").Append(unexpected.ToString(CultureInfo.InvariantCulture))
                .Append(unexpected == 1 ? " row" : " rows").Append(").\n");
            if (notes.Count > 0)
            {
                md.Append('\n');
            }
        }

        foreach (var row in notes)
        {
            md.Append("- **").Append(Inline(row.Host)).Append("**: ").Append(Inline(row.Note)).Append('\n');
        }
    }

    /// <summary>Text inside a table cell: a <c>|</c> would end the cell, so it is escaped.</summary>
    private static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    /// <summary>
    /// Text on one line that Markdown prints as written: new lines collapse to a space, and <c>&lt;</c> is written as
    /// an entity so that <c>&lt;queue&gt;-dlq</c> is not taken for an HTML tag (GitHub drops tags it does not know).
    /// </summary>
    private static string Inline(string? text) => ReportFormat.Text(text).Replace("<", "&lt;", StringComparison.Ordinal);
}
