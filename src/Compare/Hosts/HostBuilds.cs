

namespace Portable.Compare.Hosts;

/// <summary>
/// Where each host's build output is: its project's own <c>bin/{configuration}/net10.0</c>, built with the same
/// configuration as the caller (see <see cref="RepositoryLayout.BuildOutput"/>), so a host runs with exactly the dependencies it ships.
/// </summary>
public static class HostBuilds
{
    /// <summary>src/Aws's Lambda bootstrap (framework-dependent: run under <c>dotnet</c>).</summary>
    public static string AwsBootstrap => RepositoryLayout.BuildOutput("src/Aws", "bootstrap.dll");

    /// <summary>
    /// src/Azure's isolated worker app folder: its build output, with the worker.config.json, functions.metadata and
    /// host.json the Functions host (or its emulator) reads, as <c>func start</c> runs it.
    /// </summary>
    public static string AzureApp => AppFolder("src/Azure");

    /// <summary>src/Gcp's Cloud Run host.</summary>
    public static string GcpHost => RepositoryLayout.BuildOutput("src/Gcp", "Portable.Gcp.dll");

    /// <summary>src/Local's <c>portable</c> command.</summary>
    public static string LocalHost => RepositoryLayout.BuildOutput("src/Local", "Portable.Local.dll");

    /// <summary>
    /// tests/SampleApp: a user's own app (not the patterns) in one executable for every host, which
    /// <c>PORTABLE_SAMPLE_HOST</c> (local, aws, gcp or azure) picks.
    /// </summary>
    public static string SampleApp => RepositoryLayout.BuildOutput("tests/SampleApp", "Portable.SampleApp.dll");

    /// <summary>tests/SampleApp's build output as an isolated worker app folder (it is built with the Worker SDK too).</summary>
    public static string SampleAppFolder => AppFolder("tests/SampleApp");

    // The folder of an isolated worker app's build output, found by the worker.config.json the Worker SDK writes there.
    private static string AppFolder(string project) => Path.GetDirectoryName(RepositoryLayout.BuildOutput(project, "worker.config.json"))!;
}

/// <summary>The waits every host shares.</summary>
public static class HostDefaults
{
    /// <summary>
    /// Bounds every wait for a host to become ready; generous because the conformance suite starts all hosts at once
    /// and a loaded two-core machine has been seen to need several seconds per .NET process start.
    /// </summary>
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(60);

    /// <summary>How long one request to a host may take before the caller fails instead of hanging.</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);
}
