namespace Portable.Benchmarks;

/// <summary>The hosts under test.</summary>
internal enum HostKind
{
    /// <summary>AWS Lambda custom runtime: src/Aws's <c>bootstrap</c>, driven through the Runtime API.</summary>
    Lambda,

    /// <summary>Google Cloud Run: src/Gcp's <c>Portable.Gcp</c>, HTTP on <c>$PORT</c>.</summary>
    CloudRun,

    /// <summary>Azure Functions .NET isolated worker: src/Azure's <c>Portable.Azure.dll</c> under <c>dotnet</c>, behind the isolated host emulator.</summary>
    AzureIsolated,
}

/// <summary>How a program is published.</summary>
internal enum BuildKind
{
    /// <summary><c>dotnet publish -c Release -r linux-x64 --self-contained</c>: the JIT with its runtime beside it.</summary>
    SelfContainedJit,

    /// <summary>The same plus <c>-p:PublishAot=true</c>.</summary>
    NativeAot,

    /// <summary><c>dotnet publish -c Release -r linux-x64 --self-contained false</c>: an app run by the machine's <c>dotnet</c>, as Azure runs an isolated worker.</summary>
    FrameworkDependentJit,

    /// <summary>The same plus <c>-p:PublishReadyToRun=true</c> (precompiled code beside the IL; Azure's cold-start advice).</summary>
    ReadyToRun,
}

/// <summary>One program published one way: Portable's host or its baseline.</summary>
internal sealed record Variant(HostKind Host, BuildKind Build, bool IsBaseline, string ProjectPath, string ExecutableName)
{
    public string HostName => Host switch
    {
        HostKind.Lambda => "Lambda bootstrap (src/Aws)",
        HostKind.CloudRun => "Cloud Run host (src/Gcp)",
        _ => "Functions isolated worker (src/Azure)",
    };

    public string BuildName => Build switch
    {
        BuildKind.NativeAot => "Native AOT",
        BuildKind.SelfContainedJit => "self-contained JIT",
        BuildKind.ReadyToRun => "ReadyToRun",
        _ => "framework-dependent JIT",
    };

    public string Name => $"{(IsBaseline ? "baseline" : "Portable")} {Host switch { HostKind.Lambda => "Lambda", HostKind.CloudRun => "Cloud Run", _ => "Azure" }}, {BuildName}";

    /// <summary>The folder this variant is published to, under tests/Benchmarks/artifacts (git-ignored).</summary>
    public string PublishFolder(string repoRoot) => Path.Combine(
        repoRoot, "tests", "Benchmarks", "artifacts",
        $"{Host switch { HostKind.Lambda => "aws", HostKind.CloudRun => "gcp", _ => "azure" }}-{(IsBaseline ? "baseline" : "portable")}-{Build switch { BuildKind.NativeAot => "aot", BuildKind.SelfContainedJit => "jit", BuildKind.ReadyToRun => "r2r", _ => "fdd" }}");

    /// <summary>The published program: an executable, or for an isolated worker the app's .dll (worker.config.json's <c>defaultWorkerPath</c>).</summary>
    public string Executable(string repoRoot) => Path.Combine(PublishFolder(repoRoot), ExecutableName);

    /// <summary>The builds benchmarked for a host, in the order they are run: Native AOT and self-contained JIT, or for Azure ReadyToRun and plain framework-dependent.</summary>
    public static IReadOnlyList<BuildKind> BuildsOf(HostKind host) => host == HostKind.AzureIsolated
        ? [BuildKind.ReadyToRun, BuildKind.FrameworkDependentJit]
        : [BuildKind.NativeAot, BuildKind.SelfContainedJit];

    /// <summary>Every variant: each host and its baseline, each published both ways of <see cref="BuildsOf"/>.</summary>
    public static IReadOnlyList<Variant> All { get; } =
    [
        .. new[] { BuildKind.NativeAot, BuildKind.SelfContainedJit }.SelectMany(build => new[]
        {
            new Variant(HostKind.Lambda, build, IsBaseline: false, "src/Aws/Portable.Aws.csproj", "bootstrap"),
            new Variant(HostKind.Lambda, build, IsBaseline: true, "tests/Benchmarks/Baselines/LambdaBaseline/Portable.Benchmarks.LambdaBaseline.csproj", "bootstrap"),
            new Variant(HostKind.CloudRun, build, IsBaseline: false, "src/Gcp/Portable.Gcp.csproj", "Portable.Gcp"),
            new Variant(HostKind.CloudRun, build, IsBaseline: true, "tests/Benchmarks/Baselines/CloudRunBaseline/Portable.Benchmarks.CloudRunBaseline.csproj", "Portable.Benchmarks.CloudRunBaseline"),
        }),
        .. BuildsOf(HostKind.AzureIsolated).SelectMany(build => new[]
        {
            new Variant(HostKind.AzureIsolated, build, IsBaseline: false, "src/Azure/Portable.Azure.csproj", "Portable.Azure.dll"),
            new Variant(HostKind.AzureIsolated, build, IsBaseline: true, "tests/Benchmarks/Baselines/IsolatedBaseline/Portable.Benchmarks.IsolatedBaseline.csproj", "Portable.Benchmarks.IsolatedBaseline.dll"),
        }),
    ];
}
