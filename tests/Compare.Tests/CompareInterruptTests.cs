using System.Diagnostics;
using Portable.Compare.Hosts;

namespace Portable.Compare.Tests;

/// <summary>Ctrl+C during a run: the <c>portable compare</c> process stops its hosts and writes the partial report.</summary>
public sealed class CompareInterruptTests
{
    [Fact]
    public async Task CtrlC_MidRun_StopsCleanly_WithThePartialReport()
    {
        var folder = Directory.CreateTempSubdirectory("portable-compare-stop-");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { HostBuilds.LocalHost, "compare", "--scenario", "crud,cold-start-burst", "--out", folder.FullName })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var progress = new List<string>();
        var reachedSecond = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (progress)
            {
                progress.Add(e.Data);
            }

            if (e.Data.Contains("cold-start-burst on aws…", StringComparison.Ordinal))
            {
                reachedSecond.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        var stdout = process.StandardOutput.ReadToEndAsync();
        try
        {
            await reachedSecond.Task.WaitAsync(TimeSpan.FromSeconds(120));

            // Ctrl+C is SIGINT.
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var output = string.Join('\n', progress);
            Assert.True(process.ExitCode == CompareCommand.Interrupted, $"exit {process.ExitCode}\n{output}");

            var report = await File.ReadAllTextAsync(Path.Combine(folder.FullName, "compare-report.md"));
            Assert.Contains("**Partial run.**", report, StringComparison.Ordinal);
            Assert.Contains("stopped (Ctrl+C) during cold-start-burst", report, StringComparison.Ordinal);
            Assert.Contains("| azure | 100 requests as specified |", report, StringComparison.Ordinal);
            Assert.Contains("| local | 3 of 3 answered |", report, StringComparison.Ordinal);
            Assert.Equal(report, await stdout);
            Assert.True(File.Exists(Path.Combine(folder.FullName, "compare-report.html")));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            folder.Delete(recursive: true);
        }
    }
}
