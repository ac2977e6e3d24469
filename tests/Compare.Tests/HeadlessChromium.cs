using System.Diagnostics;

namespace Portable.Compare.Tests;

/// <summary>
/// Runs Debian's Chromium headless on a page and returns the DOM it built (<c>--dump-dom</c>). Each run gets a fresh
/// profile folder; the flags that stop background networking keep Chromium from calling Google's hosts, which this
/// machine's closed network refuses (/work/.library/env/machines/dotnet.md).
/// </summary>
internal static class HeadlessChromium
{
    public const string Executable = "/usr/bin/chromium";

    public static async Task<string> DumpDomAsync(string page, TimeSpan timeout)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException(
                $"Headless Chromium is not installed ({Executable} is missing), so the HTML report cannot be checked in a browser. " +
                "./test.sh installs Debian's chromium package; on this machine: " +
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium");
        }

        var profile = Directory.CreateTempSubdirectory("portable-chromium-");
        try
        {
            var start = new ProcessStartInfo(Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile.FullName, "--dump-dom", new Uri(Path.GetFullPath(page)).AbsoluteUri,
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                throw new TimeoutException($"Chromium did not dump {page} within {timeout.TotalSeconds:0} s. stderr:\n{await stderr}");
            }

            var dom = await stdout;
            if (process.ExitCode != 0 || !dom.Contains("</html>", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException(
                    $"Chromium exited with {process.ExitCode} and {dom.Length} characters of DOM for {page}. stderr:\n{await stderr}");
            }

            return dom;
        }
        finally
        {
            try
            {
                profile.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Chromium's last writes can race the delete; the folder is in the temp directory.
            }
        }
    }
}
