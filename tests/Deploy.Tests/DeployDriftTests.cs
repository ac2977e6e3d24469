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
    public void Generate_PathsAreUnique()
    {
        var paths = DeployGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options).Select(f => f.Path).ToList();
        Assert.Equal(paths.Count, paths.Distinct(StringComparer.Ordinal).Count());
    }
}
