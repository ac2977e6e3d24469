using System.Reflection;
using Portable.Emulators.Processes;

namespace Portable.Deploy.Tests.Bicep;

/// <summary>
/// The Bicep compiler of NuGet <c>Azure.Bicep.CommandLine.linux-x64</c> (restored with this project) run as <c>bicep
/// build</c> on a file: its diagnostics are lines <c>path(line,col) : Error|Warning CODE: message</c>. Type errors against
/// the resource types it ships with come out as <c>Warning BCP…</c> and do not change the exit code, so a template is
/// good only with exit code 0 and no Error or Warning line at all (linter warnings included).
/// </summary>
public static class BicepCompiler
{
    /// <summary>The bicep executable in the NuGet package folder.</summary>
    public static string Executable
    {
        get
        {
            var path = typeof(BicepCompiler).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value;
            Assert.True(path is not null && File.Exists(path), $"The Bicep compiler is not at '{path}': restore tests/Deploy.Tests (NuGet Azure.Bicep.CommandLine.linux-x64).");
            return path!;
        }
    }

    /// <summary>Compiles <paramref name="bicep"/> (with <paramref name="siblings"/> beside it, by file name); returns the exit code and the diagnostics.</summary>
    public static async Task<(int ExitCode, IReadOnlyList<string> Diagnostics, string Output)> BuildAsync(string bicep, IReadOnlyDictionary<string, string>? siblings = null)
    {
        var (code, diagnostics, output, _) = await CompileAsync(bicep, siblings);
        return (code, diagnostics, output);
    }

    /// <summary>Compiles <paramref name="bicep"/> and fails on a non-zero exit code or any Error or Warning line; returns the ARM template.</summary>
    public static async Task<string> BuildCleanAsync(string bicep, IReadOnlyDictionary<string, string>? siblings = null)
    {
        var (code, diagnostics, output, template) = await CompileAsync(bicep, siblings);
        Assert.True(code == 0 && diagnostics.Count == 0, $"bicep build exited {code}:\n{output}");
        return template!;
    }

    private static async Task<(int ExitCode, IReadOnlyList<string> Diagnostics, string Output, string? Template)> CompileAsync(string bicep, IReadOnlyDictionary<string, string>? siblings)
    {
        var folder = Directory.CreateTempSubdirectory("portable-bicep-").FullName;
        try
        {
            var file = Path.Combine(folder, "main.bicep");
            await File.WriteAllTextAsync(file, bicep);
            foreach (var (name, text) in siblings ?? new Dictionary<string, string>())
            {
                await File.WriteAllTextAsync(Path.Combine(folder, name), text);
            }

            await using var process = ChildProcess.Start(new ChildProcessOptions
            {
                Name = "bicep",
                FileName = Executable,
                Arguments = ["build", file, "--outfile", Path.Combine(folder, "main.json")],
            });
            var code = await process.WaitForExitAsync(TimeSpan.FromSeconds(120));
            var diagnostics = process.OutputLines.Where(l => l.Contains(" : Error ", StringComparison.Ordinal) || l.Contains(" : Warning ", StringComparison.Ordinal)).ToList();
            var compiled = Path.Combine(folder, "main.json");
            return (code, diagnostics, process.Output, File.Exists(compiled) ? await File.ReadAllTextAsync(compiled) : null);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
