using Portable.Azure.Layout;
using Portable.Core.App;
using Portable.TestKit;
using Portable.Core.Patterns;

namespace Portable.Azure.Tests.Layout;

/// <summary>deploy/azure is generated from the manifest and committed; it must not drift from the generator.</summary>
public class DeployAzureDriftTests
{
    private const string Regenerate = "Regenerate it from the repository root with: dotnet run --project src/Azure -- --write-layout \"$PWD/deploy/azure\" (and delete folders of removed functions).";

    [Fact]
    public void DeployAzure_ComparedWithGenerator_NoDrift()
    {
        var deploy = Path.Combine(RepoPaths.Root, "deploy", "azure");
        var problems = new List<string>();
        var generated = FunctionsLayout.Generate(PatternsApp.Manifest);
        foreach (var file in generated)
        {
            var path = Path.Combine(deploy, file.RelativePath);
            if (!File.Exists(path))
            {
                problems.Add($"missing: deploy/azure/{file.RelativePath}");
            }
            else if (File.ReadAllText(path).ReplaceLineEndings("\n") != file.Content)
            {
                problems.Add($"differs: deploy/azure/{file.RelativePath}");
            }
        }

        var expectedFolders = generated.Select(f => f.RelativePath.Split('/')).Where(p => p.Length == 2).Select(p => p[0]).ToHashSet(StringComparer.Ordinal);
        if (Directory.Exists(deploy))
        {
            problems.AddRange(Directory.EnumerateFiles(deploy, "function.json", SearchOption.AllDirectories)
                .Select(f => Path.GetFileName(Path.GetDirectoryName(f))!)
                .Where(folder => !expectedFolders.Contains(folder))
                .Select(folder => $"stale function folder: deploy/azure/{folder} (no such function in the manifest)"));
        }

        Assert.True(problems.Count == 0, $"deploy/azure has drifted from the manifest:\n  {string.Join("\n  ", problems)}\n{Regenerate}");
    }
}
