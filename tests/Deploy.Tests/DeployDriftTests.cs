using Portable.Core.Patterns;
using Portable.TestKit;

namespace Portable.Deploy.Tests;

/// <summary>
/// Every file <c>portable deploy</c> generates for this repository's app (<see cref="PatternsApp.Manifest"/> with
/// <see cref="PatternsDeployment.Options"/>) is committed under <c>deploy/</c> exactly as generated: a manifest, option or
/// generator change that is not regenerated fails here. With <c>PORTABLE_UPDATE_DEPLOY=1</c> it rewrites them instead
/// (the same as <c>portable deploy</c>), then review and commit the diff.
/// </summary>
public sealed class DeployDriftTests
{
    private static readonly HashSet<string> CopiedFromSrc = new(StringComparer.Ordinal) { "azure/host.json", "azure/local.settings.json" };

    public static TheoryData<string> Paths => [.. DeployGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options).Select(f => f.Path)];

    [Theory]
    [MemberData(nameof(Paths))]
    public void CommittedFile_IsWhatTheManifestGenerates(string path)
    {
        var file = Assert.Single(DeployGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options), f => f.Path == path);
        var committed = Path.Combine(RepoPaths.Root, "deploy", file.Path);
        var how = $"run `portable deploy` (or `PORTABLE_UPDATE_DEPLOY=1 dotnet test tests/Deploy.Tests --filter {nameof(DeployDriftTests)}`), review the diff and commit it.";
        if (Environment.GetEnvironmentVariable("PORTABLE_UPDATE_DEPLOY") == "1")
        {
            DeployGenerator.Write([file], Path.Combine(RepoPaths.Root, "deploy"));
        }

        Assert.True(File.Exists(committed), $"deploy/{file.Path} is missing: {how}");
        Assert.True(File.ReadAllText(committed).ReplaceLineEndings("\n") == file.Content, $"deploy/{file.Path} has drifted from the manifest: {how}");
    }

    [Fact]
    public void DeployFolder_HoldsNoGeneratedFileTheManifestNoLongerMakes()
    {
        // Hand-written notes (README.md, payment-service.md) and the two Azure files copied from src/Azure (which
        // Azure.Tests.Worker.DeployAzureDriftTests keeps equal) stay; anything else under deploy/ must come from the generator,
        // so a file left from a function or rule since removed (an Event Grid or Eventarc file of a manifest without event
        // functions, say) fails here.
        var generated = DeployGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options).Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        var deploy = Path.Combine(RepoPaths.Root, "deploy");
        var stale = Directory.EnumerateFiles(deploy, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(deploy, f).Replace('\\', '/'))
            .Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !generated.Contains(f) && !CopiedFromSrc.Contains(f))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(stale.Count == 0, $"deploy/ holds files the manifest no longer generates: {string.Join(", ", stale)}; delete them.");
    }

    [Fact]
    public void Generate_PathsAreUnique()
    {
        var paths = DeployGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options).Select(f => f.Path).ToList();
        Assert.Equal(paths.Count, paths.Distinct(StringComparer.Ordinal).Count());
    }
}
