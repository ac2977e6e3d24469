namespace Portable.Emulators.Tests.Azure;

/// <summary>The real Azure samples in ../shared/protocols/samples, found by walking up to Portable.sln.</summary>
internal static class AzureSamples
{
    public static string Directory { get; } = Find();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Directory, .. parts]);

    public static string Read(params string[] parts) => File.ReadAllText(Path(parts));

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Portable.sln")))
            {
                var samples = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "protocols", "samples"));
                return System.IO.Directory.Exists(samples)
                    ? samples
                    : throw new DirectoryNotFoundException($"The protocol samples are expected at {samples}.");
            }
        }

        throw new InvalidOperationException($"No Portable.sln above {AppContext.BaseDirectory}.");
    }
}
