using System.Diagnostics;
using Portable.Emulators.Processes;

namespace Portable.Benchmarks;

/// <summary>Publishes each variant with the same <c>dotnet publish</c> command a user would type.</summary>
internal static class Publisher
{
    /// <summary>The command line for <paramref name="variant"/>, as run (and printed in the results).</summary>
    public static IReadOnlyList<string> Arguments(Variant variant, string repoRoot)
    {
        var frameworkDependent = variant.Build is BuildKind.FrameworkDependentJit or BuildKind.ReadyToRun;
        List<string> args = ["publish", variant.ProjectPath, "-c", "Release", "-r", "linux-x64", .. frameworkDependent ? new[] { "--self-contained", "false" } : ["--self-contained"], "-o", variant.PublishFolder(repoRoot)];
        if (variant.Build == BuildKind.NativeAot)
        {
            args.Add("-p:PublishAot=true");
        }
        else if (variant.Build == BuildKind.ReadyToRun)
        {
            args.Add("-p:PublishReadyToRun=true");
        }

        return args;
    }

    /// <summary>Publishes into a fresh folder; throws with the tail of the build output when it fails.</summary>
    public static async Task<TimeSpan> PublishAsync(Variant variant, string repoRoot, CancellationToken cancellationToken)
    {
        var folder = variant.PublishFolder(repoRoot);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var command = $"dotnet {string.Join(' ', Arguments(variant, repoRoot))}";
        var clock = Stopwatch.StartNew();
        var output = await ChildProcess.RunAsync(
            new ChildProcessOptions { FileName = ChildProcess.DotnetHost, Arguments = [.. Arguments(variant, repoRoot), "-nologo"], WorkingDirectory = repoRoot, Name = command, MaxOutputLines = 30 },
            Timeout.InfiniteTimeSpan,
            cancellationToken);
        return File.Exists(variant.Executable(repoRoot))
            ? clock.Elapsed
            : throw new ChildProcessException($"{command} wrote no {variant.Executable(repoRoot)}.", output);
    }

    /// <summary>Bytes a deployment package would hold: everything published except symbols and XML docs.</summary>
    public static long PackageBytes(Variant variant, string repoRoot) =>
        new DirectoryInfo(variant.PublishFolder(repoRoot))
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is not (".dbg" or ".pdb" or ".xml"))
            .Sum(f => f.Length);
}
