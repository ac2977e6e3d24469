using Portable.Compare.Report;

namespace Portable.Compare.Tests;

public sealed class ReportFilesTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("portable-report-");

    public void Dispose() => _temp.Delete(recursive: true);

    [Fact]
    public async Task WriteAsync_MissingFolder_CreatesItAndWritesBothFiles()
    {
        var folder = Path.Combine(_temp.FullName, "out", "nested");
        var report = SampleReports.StoppedRun();

        var paths = await ReportFiles.WriteAsync(report, folder, CancellationToken.None);

        Assert.Equal(Path.Combine(folder, "compare-report.md"), paths.Markdown);
        Assert.Equal(Path.Combine(folder, "compare-report.html"), paths.Html);
        Assert.Equal(MarkdownReport.Render(report), await File.ReadAllTextAsync(paths.Markdown));
        Assert.Equal(HtmlReport.Render(report), await File.ReadAllTextAsync(paths.Html));
        Assert.Equal(["compare-report.html", "compare-report.md"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task WriteAsync_ExistingReport_IsReplacedWithoutABom()
    {
        await File.WriteAllTextAsync(Path.Combine(_temp.FullName, "compare-report.md"), "an older, much longer report than the new one" + new string('x', 100_000));

        var paths = await ReportFiles.WriteAsync(SampleReports.StoppedRun() with { Scenarios = [], Notes = [] }, _temp.FullName, CancellationToken.None);

        var bytes = await File.ReadAllBytesAsync(paths.Markdown);
        Assert.Equal((byte)'#', bytes[0]);
        Assert.EndsWith("No scenario ran.\n", System.Text.Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_Cancelled_WritesNothing()
    {
        var folder = Path.Combine(_temp.FullName, "cancelled");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ReportFiles.WriteAsync(SampleReports.StoppedRun(), folder, new CancellationToken(canceled: true)));

        Assert.Empty(Directory.GetFiles(folder));
    }
}
