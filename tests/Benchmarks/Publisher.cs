using System.Diagnostics;

namespace Portable.Benchmarks;

/// <summary>Publishes each variant with the same <c>dotnet publish</c> command a user would type.</summary>
internal static class Publisher
{
    /// <summary>The command line for <paramref name="variant"/>, as run (and printed in the results).</summary>
    public static IReadOnlyList<string> Arguments(Variant variant, string repoRoot)
    {
        List<string> args = ["publish", variant.ProjectPath, "-c", "Release", "-r", "linux-x64", "--self-contained", "-o", variant.PublishFolder(repoRoot)];
        if (variant.Build == BuildKind.NativeAot)
        {
            args.Add("-p:PublishAot=true");
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

        var start = new ProcessStartInfo(DotnetHost)
        {
            WorkingDirectory = repoRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in Arguments(variant, repoRoot))
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("-nologo");
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0 || !File.Exists(variant.Executable(repoRoot)))
        {
            var tail = string.Join('\n', output.Split('\n').TakeLast(30));
            throw new InvalidOperationException($"dotnet {string.Join(' ', Arguments(variant, repoRoot))} failed ({process.ExitCode}):\n{tail}");
        }

        return clock.Elapsed;
    }

    /// <summary>Bytes a deployment package would hold: everything published except symbols and XML docs.</summary>
    public static long PackageBytes(Variant variant, string repoRoot) =>
        new DirectoryInfo(variant.PublishFolder(repoRoot))
            .EnumerateFiles("*", SearchOption.AllDirectories)
            .Where(f => f.Extension is not (".dbg" or ".pdb" or ".xml"))
            .Sum(f => f.Length);

    // `dotnet run` sets DOTNET_HOST_PATH to the host that runs us; fall back to PATH.
    private static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
}
