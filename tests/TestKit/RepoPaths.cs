namespace Portable.TestKit;

/// <summary>Where things are in the repository, found from the test's output folder.</summary>
public static class RepoPaths
{
    /// <summary>The folder holding Portable.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The vendor sample payloads in ../shared/protocols/samples.</summary>
    public static string Samples => Path.GetFullPath(Path.Combine(Root, "..", "shared", "protocols", "samples"));

    /// <summary>Reads one sample payload; fails with a clear message when ../shared is missing.</summary>
    public static string ReadSample(string name)
    {
        var path = Path.Combine(Samples, name);
        return File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"Sample '{name}' not found at {path}. The tests expect ../shared beside the repository.", path);
    }

    /// <summary>
    /// A file in a src project's own build output, built with the same configuration as the running tests
    /// (<c>src/Aws</c>, <c>bootstrap.dll</c> → <c>src/Aws/bin/Release/net10.0/bootstrap.dll</c>). A child process
    /// started from there sees exactly the dependencies its project ships, not the test project's.
    /// </summary>
    public static string BuildOutput(string project, string file)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent?.Name ?? "Debug";
        var path = Path.Combine(Root, project, "bin", configuration, "net10.0", file);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{file} not found at {path}: build the solution ({configuration}) first.", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portable.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Portable.sln above {AppContext.BaseDirectory}.");
    }
}
