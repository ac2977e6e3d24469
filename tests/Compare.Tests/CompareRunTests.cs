using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Portable.Compare.Scenarios;

namespace Portable.Compare.Tests;

/// <summary>
/// One real <c>portable compare</c> run of the REST API's scenarios on the four hosts behind their emulators, through
/// the command itself, its compare-report.html then loaded in headless Chromium.
/// </summary>
public sealed class CompareRunFixture : IAsyncLifetime
{
    public const string Scenarios = "crud,oversized-7mb,oversized-33mib,oversized-101mib,slow-handler,cold-start-burst";

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("portable-compare-run-");

    public int ExitCode { get; private set; }

    public string Stdout { get; private set; } = string.Empty;

    public string Stderr { get; private set; } = string.Empty;

    public string Folder => _folder.FullName;

    public IDocument Rendered { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        ExitCode = await CompareCommand.RunAsync(["--scenario", Scenarios, "--out", Folder], stdout, stderr, CompareScenarios.All, TimeProvider.System, CancellationToken.None);
        Stdout = stdout.ToString();
        Stderr = stderr.ToString();
        Rendered = await new HtmlParser().ParseDocumentAsync(await HeadlessChromium.DumpDomAsync(Path.Combine(Folder, "compare-report.html"), TimeSpan.FromSeconds(120)));
    }

    public Task DisposeAsync()
    {
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>The rendered cells of <paramref name="scenario"/>'s row for <paramref name="host"/>, as Chromium laid them out.</summary>
    public IReadOnlyList<string> Cells(string scenario, string host)
    {
        var table = Rendered.GetElementById("scenario-" + scenario) ?? throw new Xunit.Sdk.XunitException($"No table for {scenario}. Progress:\n{Stderr}");
        var row = table.QuerySelector($"tbody > tr[data-host='{host}']") ?? throw new Xunit.Sdk.XunitException($"No {host} row in {scenario}. Progress:\n{Stderr}");
        return [.. row.QuerySelectorAll("td").Select(td => td.TextContent.Trim())];
    }
}

public sealed class CompareRunTests(CompareRunFixture run) : IClassFixture<CompareRunFixture>
{
    // The host is the row's header cell (th); these index its td cells.
    private const int Outcome = 0, Effects = 3, ColdStart = 6, Limit = 7;

    [Fact]
    public void Run_Completes_AndWritesBothFiles_WithTheTablesItPrinted()
    {
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}\n{run.Stderr}");
        var markdown = File.ReadAllText(Path.Combine(run.Folder, "compare-report.md"));
        Assert.Equal(markdown, run.Stdout);
        Assert.Contains("Mode: **emulated**", markdown, StringComparison.Ordinal);
        Assert.Contains("[24/24] cold-start-burst on azure: 3 of 3 answered", run.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Rendered_EveryTable_HasOneRowPerHost_AllAsExpected()
    {
        foreach (var scenario in CompareRunFixture.Scenarios.Split(','))
        {
            var rows = run.Rendered.GetElementById("scenario-" + scenario)!.QuerySelectorAll("tbody > tr").ToList();
            Assert.Equal(CompareHosts.All, rows.Select(r => r.GetAttribute("data-host")));
            Assert.All(rows, r => Assert.False(r.ClassList.Contains("unexpected"), $"{scenario}/{r.GetAttribute("data-host")}: {r.TextContent.Trim()}\n{run.Stderr}"));
        }
    }

    [Fact]
    public void Rendered_Crud_EveryHostMetTheContract()
    {
        foreach (var host in CompareHosts.All)
        {
            var cells = run.Cells("crud", host);
            Assert.Equal("100 requests as specified", cells[Outcome]);
            Assert.Equal("20 created, 20 replaced, 20 deleted", cells[Effects]);
            Assert.NotEqual("–", cells[ColdStart]);
        }
    }

    [Theory]
    [InlineData("oversized-7mb", "local", "413 from the app")]
    [InlineData("oversized-7mb", "aws", "413 from the platform")]
    [InlineData("oversized-7mb", "gcp", "413 from the app")]
    [InlineData("oversized-7mb", "azure", "413 from the app")]
    [InlineData("oversized-33mib", "gcp", "413 from the platform")]
    [InlineData("oversized-33mib", "azure", "413 from the app")]
    [InlineData("oversized-101mib", "azure", "500 from the platform")]
    [InlineData("oversized-101mib", "local", "413 from the app")]
    public void Rendered_OversizedBody_TheLayerThatRefusedIt(string scenario, string host, string outcome) =>
        Assert.Equal(outcome, run.Cells(scenario, host)[Outcome]);

    [Theory]
    [InlineData("local", "201 after ", "–")]
    [InlineData("aws", "504 after ", "API Gateway 29 s integration timeout")]
    [InlineData("gcp", "504 after ", "Cloud Run request timeout (30 s, as deployed)")]
    [InlineData("azure", "502 after ", "Azure load balancer 230 s")]
    public void Rendered_SlowHandler_TheFrontDoorGaveUp_ButTheWorkHappenedOnce(string host, string outcome, string limit)
    {
        var cells = run.Cells("slow-handler", host);
        Assert.StartsWith(outcome, cells[Outcome], StringComparison.Ordinal);
        Assert.Equal(limit, cells[Limit]);
        Assert.StartsWith("item created", cells[Effects], StringComparison.Ordinal);
    }

    [Fact]
    public void Rendered_ColdStartBurst_HasAChartBarPerHost()
    {
        var chart = run.Rendered.GetElementById("cold-start-cold-start-burst");
        Assert.NotNull(chart);
        Assert.Equal(CompareHosts.All.Count, chart.QuerySelectorAll("rect.bar").Length);
    }
}
