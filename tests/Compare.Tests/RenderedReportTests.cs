using System.Globalization;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Portable.Compare.Model;
using Portable.Compare.Report;

namespace Portable.Compare.Tests;

/// <summary>
/// Writes the sample report with <see cref="ReportFiles"/>, loads compare-report.html in headless Chromium once, and
/// keeps the DOM Chromium built. A failure to run Chromium fails every test that reads it, with Chromium's own words.
/// </summary>
public sealed class RenderedReportFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portable-compare-report-");
    private Task<IDocument>? _document;

    public CompareReport Report { get; } = SampleReports.StoppedRun();

    public Task<IDocument> DocumentAsync() => _document ?? throw new InvalidOperationException("The fixture has not started.");

    public Task InitializeAsync()
    {
        _document = RenderAsync();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    private async Task<IDocument> RenderAsync()
    {
        var paths = await ReportFiles.WriteAsync(Report, _folder.FullName, CancellationToken.None);
        var dom = await HeadlessChromium.DumpDomAsync(paths.Html, TimeSpan.FromSeconds(120));
        return await new HtmlParser().ParseDocumentAsync(dom);
    }
}

/// <summary>The report as Chromium rendered it: its tables read back cell by cell, its charts counted bar by bar.</summary>
public sealed class RenderedReportTests(RenderedReportFixture fixture) : IClassFixture<RenderedReportFixture>
{
    [Fact]
    public async Task Chromium_EveryTable_HeaderAndRowsEqualTheModel()
    {
        var document = await fixture.DocumentAsync();

        var tables = document.QuerySelectorAll("table").ToList();
        var scenarios = fixture.Report.Scenarios.Where(s => s.Rows.Count > 0).ToList();
        Assert.Equal(scenarios.Select(s => "scenario-" + s.Id), tables.Select(t => t.Id));
        foreach (var scenario in scenarios)
        {
            var table = document.GetElementById("scenario-" + scenario.Id)!;
            Assert.Equal(SampleReports.Columns, table.QuerySelectorAll("thead th").Select(Text));

            var rows = table.QuerySelectorAll("tbody > tr").ToList();
            var expected = SampleReports.ExpectedCells[scenario.Id];
            Assert.Equal(scenario.Rows.Count, rows.Count);
            Assert.Equal(expected.Length, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                var cells = rows[i].Children.Where(c => c.LocalName is "th" or "td").Select(Text).ToArray();
                Assert.Equal(expected[i], cells);
                Assert.Equal(scenario.Rows[i].Host, cells[0]);
                Assert.Equal(!scenario.Rows[i].AsExpected, rows[i].ClassList.Contains("unexpected"));
            }
        }
    }

    [Fact]
    public async Task Chromium_HeaderAndPartialNote_AsTheModelSays()
    {
        var document = await fixture.DocumentAsync();

        Assert.Equal("Portable compare report", document.Title);
        Assert.Equal("Mode emulated · started 2026-11-01 09:30:05 UTC · ran 4 min 14 s", Text(document.QuerySelector("p.run")!));
        Assert.Equal(
            "Partial run. The run stopped early (stopped by Ctrl+C). This report holds the 5 scenarios that finished; the rest did not run.",
            Text(document.QuerySelector("p.partial")!));
        Assert.Equal(
            ["azure: Expected <413>, got 201. The body limit is off in this profile."],
            document.QuerySelectorAll("#section-oversized-body ul.notes li").Select(Text));
    }

    [Fact]
    public async Task Chromium_LatencyCharts_ABarPerFigureWithItsValueInTheTooltip()
    {
        var document = await fixture.DocumentAsync();

        foreach (var scenario in fixture.Report.Scenarios)
        {
            var chart = document.GetElementById("latency-" + scenario.Id);
            var figures = scenario.Rows
                .SelectMany(r => new[] { (r.Host, Series: "p50", Value: r.P50), (r.Host, Series: "p99", Value: r.P99) })
                .Where(f => f.Value is not null)
                .ToList();
            if (figures.Count == 0)
            {
                Assert.Null(chart);
                continue;
            }

            Assert.NotNull(chart);
            Assert.Equal("http://www.w3.org/2000/svg", chart.NamespaceUri);
            var bars = chart.QuerySelectorAll("rect.bar").ToList();
            Assert.Equal(figures.Count, bars.Count);
            Assert.Equal(
                figures.Select(f => $"{f.Host} {f.Series}: {ReportFormat.Duration(f.Value)}"),
                bars.Select(b => Text(b.QuerySelector("title")!)));
            Assert.All(bars, b => Assert.True(Number(b, "height") >= 1, $"{b.OuterHtml} has no height"));
            Assert.NotEmpty(chart.QuerySelectorAll("text.tick"));
            Assert.Equal(["latency", "host"], chart.QuerySelectorAll("text.axis-title").Select(Text));
        }

        // In CRUD, Azure's p99 (310 ms) is the tallest bar and local's p50 (3.2 ms) the shortest.
        var crud = document.GetElementById("latency-crud")!.QuerySelectorAll("rect.bar").ToList();
        Assert.Equal("azure p99: 310 ms", Text(crud.MaxBy(b => Number(b, "height"))!.QuerySelector("title")!));
        Assert.Equal("local p50: 3.2 ms", Text(crud.MinBy(b => Number(b, "height"))!.QuerySelector("title")!));
        Assert.Equal(["local", "aws", "gcp", "azure"], document.GetElementById("latency-crud")!.QuerySelectorAll("text.host").Select(Text));
    }

    [Fact]
    public async Task Chromium_ColdStartCharts_ABarPerHostThatHasOne()
    {
        var document = await fixture.DocumentAsync();

        foreach (var scenario in fixture.Report.Scenarios)
        {
            var chart = document.GetElementById("cold-start-" + scenario.Id);
            var hosts = scenario.Rows.Where(r => r.ColdStart is not null).ToList();
            if (hosts.Count == 0)
            {
                Assert.Null(chart);
                continue;
            }

            var bars = chart!.QuerySelectorAll("rect.bar").ToList();
            Assert.Equal(hosts.Select(h => $"{h.Host} cold start: {ReportFormat.Duration(h.ColdStart)}"), bars.Select(b => Text(b.QuerySelector("title")!)));
        }

        Assert.Equal(["aws", "azure"], document.GetElementById("cold-start-cold-burst")!.QuerySelectorAll("text.host").Select(Text));
    }

    [Fact]
    public async Task Chromium_EachHost_OneColourInEveryChartAndTable()
    {
        var document = await fixture.DocumentAsync();

        var barColours = document.QuerySelectorAll("svg g.group")
            .SelectMany(g => g.QuerySelectorAll("rect.bar").Select(b => (Host: g.GetAttribute("data-host")!, Fill: b.GetAttribute("fill")!)))
            .GroupBy(x => x.Host)
            .ToDictionary(g => g.Key, g => g.Select(x => x.Fill).Distinct().ToList());
        var swatches = document.QuerySelectorAll("tbody tr")
            .Select(r => (Host: r.GetAttribute("data-host")!, Style: r.QuerySelector(".swatch")!.GetAttribute("style")!))
            .ToList();

        Assert.Equal(["aws", "azure", "gcp", "local"], barColours.Keys.Order(StringComparer.Ordinal));
        Assert.All(barColours.Values, fills => Assert.Single(fills));
        Assert.Equal(4, barColours.Values.Select(f => f[0]).Distinct().Count());
        Assert.All(swatches, s => Assert.Equal("background:" + barColours[s.Host][0], s.Style));
    }

    private static string Text(IElement element) => element.TextContent.Trim();

    private static double Number(IElement element, string attribute) =>
        double.Parse(element.GetAttribute(attribute)!, CultureInfo.InvariantCulture);
}
