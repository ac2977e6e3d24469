using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Portable.Compare.Report;

namespace Portable.Compare.Tests;

/// <summary>The HTML as written, before any browser: self-contained, escaped, and shaped the way the readback expects.</summary>
public sealed partial class HtmlReportTests
{
    private static readonly string Html = HtmlReport.Render(SampleReports.StoppedRun());
    private static readonly IDocument Document = new HtmlParser().ParseDocument(Html);

    [Fact]
    public void Render_NoScriptAnywhere()
    {
        Assert.DoesNotContain("<script", Html, StringComparison.OrdinalIgnoreCase);
        Assert.Empty(Document.QuerySelectorAll("script"));
        Assert.DoesNotContain(Document.All.SelectMany(e => e.Attributes), a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Render_ScriptInTheModel_IsEscapedToText()
    {
        var report = SampleReports.StoppedRun() with { Mode = "<script>alert(1)</script>" };

        var html = HtmlReport.Render(report);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoExternalAddressInAnySrcHrefOrUrl()
    {
        var addresses = Document.All.SelectMany(e => e.Attributes)
            .Where(a => a.Name is "src" or "href" or "srcset" or "xlink:href" or "action" or "poster" or "data")
            .Select(a => a.Value)
            .ToList();
        var urls = CssUrl().Matches(Html).Select(m => m.Groups[1].Value).ToList();

        Assert.NotEmpty(addresses); // the contents' in-page links
        Assert.All(addresses, a => Assert.StartsWith("#", a, StringComparison.Ordinal));
        Assert.Empty(urls);
        Assert.DoesNotContain("@import", Html, StringComparison.Ordinal);
        Assert.Empty(Document.QuerySelectorAll("link, img, iframe, object, embed, video, audio, source"));
        // The only address in the page is a note's text, printed as text.
        Assert.Equal(1, Regex.Count(Html, "https?://"));
        Assert.Contains("Limits as documented at https://docs.aws.amazon.com/lambda/latest/dg/gotchas.html", Document.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_StylesAreInlineAndFollowTheColourScheme()
    {
        var style = Assert.Single(Document.QuerySelectorAll("style")).TextContent;

        Assert.Contains("@media (prefers-color-scheme:dark)", style, StringComparison.Ordinal);
        Assert.Contains("color-scheme:light dark", style, StringComparison.Ordinal);
        Assert.Equal("light dark", Document.QuerySelector("meta[name=color-scheme]")?.GetAttribute("content"));
    }

    [Fact]
    public void Render_TablesOnlyForScenariosWithRows_InModelOrder()
    {
        Assert.Equal(
            ["scenario-crud", "scenario-oversized-body", "scenario-poison-message", "scenario-cold-burst"],
            Document.QuerySelectorAll("table").Select(t => t.Id));
        Assert.Contains("No host ran this scenario.", Document.QuerySelector("#section-csv-fan-out")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_AwkwardText_IsEscapedAndReadsBackAsWritten()
    {
        var outcome = Document.QuerySelector("#scenario-oversized-body tr[data-host=azure] td.outcome")!;

        Assert.Equal("⚠ " + SampleReports.Awkward, outcome.TextContent);
        Assert.Empty(outcome.QuerySelectorAll("b"));
        Assert.Contains("201 | kept &lt;b&gt;as-is&lt;/b&gt; &amp; &quot;stored&quot;", Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_UnexpectedRow_IsMarked()
    {
        Assert.Equal(["azure"], Document.QuerySelectorAll("tr.unexpected").Select(r => r.GetAttribute("data-host")));
    }

    [Fact]
    public void Render_ChartsOnlyWhereThereAreFigures()
    {
        Assert.Equal(
            ["latency-crud", "cold-start-crud", "latency-oversized-body", "cold-start-cold-burst"],
            Document.QuerySelectorAll("svg").Select(s => s.Id));
    }

    [Fact]
    public void Render_SvgHasNoNamespaceAddress_TheHtmlParserGivesItOne()
    {
        // Inline SVG in HTML5 needs no xmlns, and leaving it out keeps every address out of the file.
        Assert.DoesNotContain("xmlns", Html, StringComparison.Ordinal);
        Assert.All(Document.QuerySelectorAll("svg"), s => Assert.Equal("http://www.w3.org/2000/svg", s.NamespaceUri));
    }

    [GeneratedRegex(@"url\(\s*['""]?([^'"")]*)", RegexOptions.IgnoreCase)]
    private static partial Regex CssUrl();
}
