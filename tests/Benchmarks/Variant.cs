namespace Portable.Benchmarks;

/// <summary>The two hosts under test.</summary>
internal enum HostKind
{
    /// <summary>AWS Lambda custom runtime: src/Aws's <c>bootstrap</c>, driven through the Runtime API.</summary>
    Lambda,

    /// <summary>Google Cloud Run: src/Gcp's <c>Portable.Gcp</c>, HTTP on <c>$PORT</c>.</summary>
    CloudRun,
}

/// <summary>How a program is published.</summary>
internal enum BuildKind
{
    /// <summary><c>dotnet publish -c Release -r linux-x64 --self-contained</c>: the JIT with its runtime beside it.</summary>
    SelfContainedJit,

    /// <summary>The same plus <c>-p:PublishAot=true</c>.</summary>
    NativeAot,
}

/// <summary>One program published one way: Portable's host or its baseline.</summary>
internal sealed record Variant(HostKind Host, BuildKind Build, bool IsBaseline, string ProjectPath, string ExecutableName)
{
    public string HostName => Host == HostKind.Lambda ? "Lambda bootstrap (src/Aws)" : "Cloud Run host (src/Gcp)";

    public string BuildName => Build == BuildKind.NativeAot ? "Native AOT" : "self-contained JIT";

    public string Name => $"{(IsBaseline ? "baseline" : "Portable")} {(Host == HostKind.Lambda ? "Lambda" : "Cloud Run")}, {BuildName}";

    /// <summary>The folder this variant is published to, under tests/Benchmarks/artifacts (git-ignored).</summary>
    public string PublishFolder(string repoRoot) => Path.Combine(
        repoRoot, "tests", "Benchmarks", "artifacts",
        $"{(Host == HostKind.Lambda ? "aws" : "gcp")}-{(IsBaseline ? "baseline" : "portable")}-{(Build == BuildKind.NativeAot ? "aot" : "jit")}");

    public string Executable(string repoRoot) => Path.Combine(PublishFolder(repoRoot), ExecutableName);

    /// <summary>Every variant: each host and its baseline, each published both ways.</summary>
    public static IReadOnlyList<Variant> All { get; } =
    [
        .. new[] { BuildKind.NativeAot, BuildKind.SelfContainedJit }.SelectMany(build => new[]
        {
            new Variant(HostKind.Lambda, build, IsBaseline: false, "src/Aws/Portable.Aws.csproj", "bootstrap"),
            new Variant(HostKind.Lambda, build, IsBaseline: true, "tests/Benchmarks/Baselines/LambdaBaseline/Portable.Benchmarks.LambdaBaseline.csproj", "bootstrap"),
            new Variant(HostKind.CloudRun, build, IsBaseline: false, "src/Gcp/Portable.Gcp.csproj", "Portable.Gcp"),
            new Variant(HostKind.CloudRun, build, IsBaseline: true, "tests/Benchmarks/Baselines/CloudRunBaseline/Portable.Benchmarks.CloudRunBaseline.csproj", "Portable.Benchmarks.CloudRunBaseline"),
        }),
    ];
}
