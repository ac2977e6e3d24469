using Portable.Core.Patterns;
using Portable.TestKit;

namespace Portable.Deploy.Tests;

/// <summary><c>portable deploy --out DIR</c> writes every generated file, and what it writes is what is committed under deploy/.</summary>
public sealed class DeployCommandTests
{
    [Fact]
    public void Run_Out_WritesEveryFileAsCommitted()
    {
        var folder = Directory.CreateTempSubdirectory("portable-deploy-").FullName;
        try
        {
            using var output = new StringWriter();
            using var error = new StringWriter();

            var code = DeployCommand.Run(["--out", folder], PatternsApp.Manifest, PatternsDeployment.Options, output, error);

            Assert.Equal(0, code);
            var files = DeployGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options);
            Assert.Equal(files.Count, output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            foreach (var file in files)
            {
                var written = File.ReadAllText(Path.Combine(folder, file.Path));
                Assert.Equal(file.Content, written);
                Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", file.Path)), written);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Run_UnknownArgument_Exits2WithUsage()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(2, DeployCommand.Run(["--oops"], PatternsApp.Manifest, PatternsDeployment.Options, output, error));
        Assert.Contains("--out DIR", error.ToString(), StringComparison.Ordinal);
    }
}
