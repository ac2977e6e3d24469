namespace Portable.Compare.Hosts;

/// <summary>
/// Where things are in the Portable repository, found from the running assembly's folder: the hosts run from their
/// own projects' build output, so <c>portable compare</c> (and every test that starts a host) runs from a clone.
/// </summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> FoundRoot = new(FindRoot);

    /// <summary>The folder holding Portable.sln.</summary>
    /// <exception cref="InvalidOperationException">The running assembly is not inside a clone of the repository.</exception>
    public static string Root => FoundRoot.Value;

    /// <summary>The build configuration the running assembly was built with (its output folder's parent: <c>Release</c>, <c>Debug</c>).</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent?.Name ?? "Debug";

    /// <summary>
    /// A file in a project's own build output, built with the same configuration as the running assembly
    /// (<c>src/Aws</c>, <c>bootstrap.dll</c> → <c>src/Aws/bin/Release/net10.0/bootstrap.dll</c>). A child process
    /// started from there sees exactly the dependencies its project ships.
    /// </summary>
    /// <exception cref="FileNotFoundException">The project was not built with that configuration.</exception>
    public static string BuildOutput(string project, string file)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", file);
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"{file} not found at {path}: build the solution ({Configuration}) first (dotnet build Portable.sln -c {Configuration}).", path);
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

        throw new InvalidOperationException($"No Portable.sln above {AppContext.BaseDirectory}: run from a clone of the repository, built with dotnet build.");
    }
}
