namespace Portable.Compare.Report;

/// <summary>Where <see cref="ReportFiles.WriteAsync"/> wrote the two report files.</summary>
/// <param name="Markdown">The full path of <c>compare-report.md</c>.</param>
/// <param name="Html">The full path of <c>compare-report.html</c>.</param>
public sealed record ReportPaths(string Markdown, string Html);
