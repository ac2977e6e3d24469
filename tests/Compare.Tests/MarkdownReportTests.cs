using Portable.Compare.Model;
using Portable.Compare.Report;

namespace Portable.Compare.Tests;

public sealed class MarkdownReportTests
{
    private static readonly string Markdown = MarkdownReport.Render(SampleReports.StoppedRun());
    private static readonly string[] Lines = Markdown.Split('\n');

    [Fact]
    public void Render_Header_GivesModeStartInUtcAndDuration()
    {
        Assert.Equal("# Portable compare report", Lines[0]);
        Assert.Contains("Mode: **emulated** · started 2026-11-01 09:30:05 UTC · ran 4 min 14 s", Lines);
    }

    [Fact]
    public void Render_StoppedRun_SaysWhyAndHowManyScenariosFinished()
    {
        Assert.Contains(
            "> **Partial run.** The run stopped early (stopped by Ctrl+C). This report holds the 5 scenarios that finished; the rest did not run.",
            Lines);
    }

    [Fact]
    public void Render_CompleteRun_HasNoPartialNote()
    {
        var markdown = MarkdownReport.Render(SampleReports.StoppedRun() with { Complete = true, StoppedBecause = null });

        Assert.DoesNotContain("Partial run", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StoppedWithoutReason_SaysSo()
    {
        var markdown = MarkdownReport.Render(SampleReports.StoppedRun() with { StoppedBecause = null, Scenarios = [] });

        Assert.Contains("The run stopped early (no reason was recorded). This report holds the 0 scenarios", markdown, StringComparison.Ordinal);
        Assert.Contains("No scenario ran.", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_Scenario_HeadingPatternDescriptionAndAlignedHeader()
    {
        var heading = Array.IndexOf(Lines, "### CRUD");

        Assert.True(heading > 0, Markdown);
        Assert.Equal("", Lines[heading + 1]);
        Assert.Equal("*REST API* — Create, read, update and delete 40 items through each host's HTTP front door.", Lines[heading + 2]);
        Assert.Equal("| Host | Outcome | Attempts | Duplicates suppressed | Effects | p50 | p99 | Cold start | Platform limit |", Lines[heading + 4]);
        Assert.Equal("| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | --- |", Lines[heading + 5]);
    }

    [Fact]
    public void Render_EveryTable_OneRowPerHostWithTheCellsInColumnOrder()
    {
        foreach (var scenario in SampleReports.StoppedRun().Scenarios.Where(s => s.Rows.Count > 0))
        {
            var rows = TableRows(scenario.Title);
            var expected = SampleReports.ExpectedCells[scenario.Id];

            Assert.Equal(expected.Length, rows.Count);
            for (var i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], SplitRow(rows[i]));
            }
        }
    }

    [Fact]
    public void Render_PipesInCells_AreEscapedSoTheRowKeepsItsNineCells()
    {
        var azure = TableRows("Oversized body").Single(r => r.StartsWith("| azure |", StringComparison.Ordinal));

        Assert.Equal("| azure | ⚠ 201 \\| kept &lt;b>as-is&lt;/b> & \"stored\" | 1 | – | – | 70 ms | 88 ms | – | Azure 100 MB \\| host.json |", azure);
        Assert.Equal(9, SplitRow(azure).Length);
    }

    [Fact]
    public void Render_AngleBrackets_AreWrittenAsEntitiesSoGitHubKeepsThem()
    {
        Assert.Contains("| local | dead-lettered | 5 | – | 1 message in &lt;queue>-dlq | – | – | – | – |", Lines);
        Assert.DoesNotContain("<queue>", Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnexpectedRowAndHostNotes_AreListedUnderTheTable()
    {
        var heading = Array.IndexOf(Lines, "### Oversized body");
        var after = Lines.Skip(heading).SkipWhile(l => !l.StartsWith('|')).SkipWhile(l => l.StartsWith('|')).Take(4).ToArray();

        Assert.Equal(
            ["", "⚠ not what the pattern promises on this host (1 row).", "", "- **azure**: Expected &lt;413>, got 201. The body limit is off in this profile."],
            after);
    }

    [Fact]
    public void Render_ScenarioNoHostRan_SaysSoInsteadOfAnEmptyTable()
    {
        var heading = Array.IndexOf(Lines, "### CSV fan-out");

        Assert.Equal("No host ran this scenario.", Lines[heading + 4]);
    }

    [Fact]
    public void Render_RunNotes_CloseTheReport()
    {
        var notes = Array.IndexOf(Lines, "## Notes");

        Assert.Equal(
            [
                "- Time is scaled 1:60 in the emulators, so a 29 s timeout takes about half a second.",
                "- Limits as documented at https://docs.aws.amazon.com/lambda/latest/dg/gotchas.html (text, not a link).",
                "",
            ],
            Lines[(notes + 2)..]);
    }

    [Fact]
    public void Render_SameReport_SameText()
    {
        Assert.Equal(Markdown, MarkdownReport.Render(SampleReports.StoppedRun()));
        Assert.DoesNotContain('\r', Markdown);
    }

    [Fact]
    public void Render_NoRows_OnlyHeadingsAndNoTable()
    {
        var report = new CompareReport { StartedAt = DateTimeOffset.UnixEpoch, Duration = TimeSpan.Zero, Mode = "live", Scenarios = [] };

        Assert.Equal("# Portable compare report\n\nMode: **live** · started 1970-01-01 00:00:00 UTC · ran 0 ms\n\nNo scenario ran.\n", MarkdownReport.Render(report));
    }

    /// <summary>The table rows (not the header and separator) under a scenario's heading.</summary>
    private static List<string> TableRows(string title)
    {
        var heading = Array.IndexOf(Lines, "### " + title);
        Assert.True(heading >= 0, $"no heading for {title}:\n{Markdown}");
        return Lines.Skip(heading).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2).ToList();
    }

    /// <summary>A row's cells, split on the pipes that are not escaped, unescaped and trimmed, with entities read back.</summary>
    private static string[] SplitRow(string row)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] == '\\' && i + 1 < row.Length && row[i + 1] == '|')
            {
                cell.Append('|');
                i++;
            }
            else if (row[i] == '|')
            {
                cells.Add(cell.ToString().Trim().Replace("&lt;", "<", StringComparison.Ordinal));
                cell.Clear();
            }
            else
            {
                cell.Append(row[i]);
            }
        }

        return [.. cells];
    }
}
