using System.Diagnostics;
using System.Reflection;

namespace Portable.Deploy.Tests.EventGrid;

/// <summary>
/// The real Bicep CLI from NuGet (Azure.Bicep.CommandLine.linux-x64, whose build props give its path, recorded in this
/// assembly's metadata as <c>BicepPath</c>): <c>bicep build --stdout</c> compiles a file to its ARM template. Type errors
/// against the Azure resource types Bicep ships (a wrong property, an unknown operator) are reported as
/// <c>Warning BCPnnn</c> lines and do not change the exit code, so a check reads the output, not only the code.
/// </summary>
internal static class BicepCli
{
    public static string Path
    {
        get
        {
            var path = typeof(BicepCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value;
            Assert.False(string.IsNullOrEmpty(path), "The Bicep CLI package's BicepPath was not recorded at build time.");
            path = path!.Replace('\\', '/');
            Assert.True(File.Exists(path), $"The Bicep CLI is expected at {path} (NuGet Azure.Bicep.CommandLine.linux-x64).");
            return path;
        }
    }

    /// <summary>Compiles <paramref name="bicep"/> (the file's text); returns the exit code, the ARM template and the diagnostics.</summary>
    public static async Task<(int ExitCode, string Template, string Diagnostics)> BuildAsync(string bicep)
    {
        var folder = Directory.CreateTempSubdirectory("portable-bicep-").FullName;
        try
        {
            var file = System.IO.Path.Combine(folder, "main.bicep");
            await File.WriteAllTextAsync(file, bicep);
            var start = new ProcessStartInfo(Path)
            {
                ArgumentList = { "build", file, "--stdout" },
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = folder;
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await output, await errors);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Compiles <paramref name="bicep"/> and fails on a non-zero exit code, any error and any warning; returns the ARM template.</summary>
    public static async Task<string> BuildCleanAsync(string bicep)
    {
        var (exitCode, template, diagnostics) = await BuildAsync(bicep);
        Assert.True(exitCode == 0, $"bicep build exited {exitCode}:\n{diagnostics}");
        Assert.False(diagnostics.Contains("Warning", StringComparison.Ordinal) || diagnostics.Contains("Error", StringComparison.Ordinal), $"bicep build reported:\n{diagnostics}");
        return template;
    }
}
