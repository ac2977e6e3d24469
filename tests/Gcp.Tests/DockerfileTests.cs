using System.Text.RegularExpressions;
using Portable.TestKit;

namespace Portable.Gcp.Tests;

/// <summary>
/// There is no Docker engine on the development machine, so the Dockerfile cannot be built in tests; these checks
/// keep its essentials from rotting silently. The publish command it runs is exercised natively elsewhere.
/// </summary>
public sealed partial class DockerfileTests
{
    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "Dockerfile"));

    private static string[] Instructions(string keyword) =>
        [.. Dockerfile.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith(keyword + " ", StringComparison.Ordinal))];

    /// <summary>The Dockerfile with line continuations joined, so a multi-line RUN reads as one.</summary>
    private static string Joined => Dockerfile.Replace("\\\n", " ", StringComparison.Ordinal);

    [Fact]
    public void Dockerfile_BuildStage_PublishesGcpHostAsNativeAot()
    {
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0", Dockerfile, StringComparison.Ordinal);
        Assert.Matches(@"apt-get install[^\n]*clang[^\n]*zlib1g-dev", Joined);
        Assert.Matches(@"RUN dotnet publish src/Gcp -c Release -r linux-x64 -p:PublishAot=true", Joined);
        foreach (var project in new[] { "src/Core", "src/Hosting", "src/Gcp" })
        {
            Assert.Contains($"COPY {project}/ {project}/", Dockerfile, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Dockerfile_Publish_TakesTheCsprojsColdStartLinkSettings()
    {
        var project = File.ReadAllText(Path.Combine(RepoPaths.Root, "src", "Gcp", "Portable.Gcp.csproj"));
        Assert.Contains("<IlcDehydrate Condition=\"'$(IlcDehydrate)' == ''\">false</IlcDehydrate>", project, StringComparison.Ordinal);
        Assert.Contains("<PositionIndependentExecutable Condition=\"'$(PositionIndependentExecutable)' == ''\">false</PositionIndependentExecutable>", project, StringComparison.Ordinal);

        // The image is built from that project file as it is: nothing on the publish line overrides the pair.
        Assert.Contains("COPY src/Gcp/Portable.Gcp.csproj src/Gcp/", Dockerfile, StringComparison.Ordinal);
        Assert.DoesNotContain("IlcDehydrate", Joined, StringComparison.Ordinal);
        Assert.DoesNotContain("PositionIndependentExecutable", Joined, StringComparison.Ordinal);
    }

    [Fact]
    public void Dockerfile_RuntimeStage_IsMinimalAndRunsTheHost()
    {
        var from = Instructions("FROM");
        Assert.Equal(2, from.Length);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/runtime-deps:10.0", from[^1], StringComparison.Ordinal);
        Assert.Equal(["ENTRYPOINT [\"/app/Portable.Gcp\"]"], Instructions("ENTRYPOINT"));
    }

    [Fact]
    public void Dockerfile_User_IsNotRoot()
    {
        var user = Assert.Single(Instructions("USER"));
        var name = user["USER ".Length..].Split(':')[0].Trim();
        Assert.DoesNotContain(name, new[] { "root", "0", string.Empty });
        Assert.True(Dockerfile.LastIndexOf("USER ", StringComparison.Ordinal) > Dockerfile.LastIndexOf("FROM ", StringComparison.Ordinal), "USER must be set in the runtime stage.");
    }

    [Fact]
    public void Dockerfile_Port_Is8080AsCloudRunDefaults()
    {
        Assert.Equal(["EXPOSE 8080"], Instructions("EXPOSE"));
        Assert.Matches(PortEnv(), Joined);
    }

    [Fact]
    public void Dockerignore_ExcludesBuildOutputAndGit()
    {
        var ignored = File.ReadAllLines(Path.Combine(RepoPaths.Root, ".dockerignore")).Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
        Assert.Contains(".git", ignored);
        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
        Assert.DoesNotContain("src/", ignored);
    }

    [Fact]
    public void DeployReadme_DocumentsGcloudRunDeployCommand()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "gcp", "README.md")).Replace("\\\n", " ", StringComparison.Ordinal);
        Assert.Matches(@"gcloud run deploy portable-items\s+--source \.\s+--region \S+\s+--allow-unauthenticated\s+--set-env-vars FUNCTION_TARGET=items-api", readme);
    }

    [GeneratedRegex(@"ENV\s+PORT=8080\b")]
    private static partial Regex PortEnv();
}
