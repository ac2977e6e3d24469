using System.Text;
using Portable.Compare.Model;

namespace Portable.Compare.Report;

/// <summary>
/// Writes a run's two report files, <c>compare-report.md</c> and <c>compare-report.html</c>, into a folder. Each file
/// is written beside its final name and then moved over it, so a reader (or a run stopped while writing) never sees
/// half a report.
/// </summary>
public static class ReportFiles
{
    /// <summary>The Markdown report's file name.</summary>
    public const string MarkdownFileName = "compare-report.md";

    /// <summary>The HTML report's file name.</summary>
    public const string HtmlFileName = "compare-report.html";

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Renders the report both ways and writes the two files, creating the folder if it is missing.</summary>
    /// <param name="report">The run to write.</param>
    /// <param name="directory">The folder to write into (relative paths are taken from the current folder).</param>
    /// <param name="cancellationToken">
    /// Stops the writing. A run stopped with Ctrl+C should write its partial report with a token of its own, not the
    /// one that stopped it.
    /// </param>
    /// <returns>The full paths of the files written.</returns>
    public static async Task<ReportPaths> WriteAsync(CompareReport report, string directory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);

        var folder = Directory.CreateDirectory(Path.GetFullPath(directory)).FullName;
        var paths = new ReportPaths(Path.Combine(folder, MarkdownFileName), Path.Combine(folder, HtmlFileName));
        await WriteFileAsync(paths.Markdown, MarkdownReport.Render(report), cancellationToken).ConfigureAwait(false);
        await WriteFileAsync(paths.Html, HtmlReport.Render(report), cancellationToken).ConfigureAwait(false);
        return paths;
    }

    private static async Task WriteFileAsync(string path, string contents, CancellationToken cancellationToken)
    {
        var temporary = path + ".tmp";
        try
        {
            await File.WriteAllTextAsync(temporary, contents, Utf8, cancellationToken).ConfigureAwait(false);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
            {
                File.Delete(temporary);
            }
        }
    }
}
