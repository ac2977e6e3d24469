using Portable.Compare.Scenarios;
using Portable.Compare.Targets;

namespace Portable.Compare.Tests;

/// <summary>
/// <c>--live targets.json</c>: the HTTP scenarios against deployed URLs. Here the deployments are stand-ins on this
/// machine — the local host, and the Lambda bootstrap behind the API Gateway emulator — reached only by their URLs.
/// </summary>
public sealed class CompareLiveTests
{
    [Fact]
    public async Task Live_RunsTheHttpScenarios_AgainstTheUrlsInTheFile_AndOnlyThem()
    {
        var folder = Directory.CreateTempSubdirectory("portable-compare-live-");
        var emulated = new ScenarioContext();
        await using var local = await HttpTargets.StartAsync(CompareHosts.Local, emulated);
        await using var aws = await HttpTargets.StartAsync(CompareHosts.Aws, emulated);
        try
        {
            var targets = Path.Combine(folder.FullName, "targets.json");
            await File.WriteAllTextAsync(targets, $$"""{"local": "{{local.Root}}", "aws": "{{aws.Root}}"}""");
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            var exit = await CompareCommand.RunAsync(
                ["--live", targets, "--scenario", "crud,oversized-7mb,slow-handler", "--out", folder.FullName], stdout, stderr, CompareScenarios.All, TimeProvider.System, CancellationToken.None);

            Assert.True(exit == 0, $"exit {exit}\n{stderr}");
            var report = stdout.ToString();
            Assert.Contains("Mode: **live**", report, StringComparison.Ordinal);
            Assert.Contains("| local | 100 requests as specified |", report, StringComparison.Ordinal);
            Assert.Contains("| aws | 100 requests as specified |", report, StringComparison.Ordinal);
            Assert.Contains("| aws | 413 from the platform |", report, StringComparison.Ordinal);
            Assert.Contains($"deployed: {aws.Root}", report, StringComparison.Ordinal);
            // Only the hosts the file names, and only the scenarios driven over HTTP alone (the slow handler needs a drill).
            Assert.DoesNotContain("| gcp |", report, StringComparison.Ordinal);
            Assert.DoesNotContain("| azure |", report, StringComparison.Ordinal);
            Assert.DoesNotContain("slower than the front door", report, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.Combine(folder.FullName, "compare-report.html")));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData("""{"aws": "not a url"}""", "'aws' must be an absolute http(s) URL")]
    [InlineData("""{"oracle": "https://example.com"}""", "unknown host 'oracle'")]
    [InlineData("""["https://example.com"]""", "must be a JSON object of host → URL")]
    [InlineData("""{"aws": """, "is not JSON")]
    [InlineData("""{}""", "names no host")]
    public async Task Live_ABadTargetsFile_IsRefusedWithWhatToFix(string json, string message)
    {
        var file = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(file, json);
            using var stderr = new StringWriter();
            var exit = await CompareCommand.RunAsync(["--live", file], TextWriter.Null, stderr, CompareScenarios.All, TimeProvider.System, CancellationToken.None);
            Assert.Equal(2, exit);
            Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData(new[] { "--scenario", "nope" }, "Unknown scenario 'nope'")]
    [InlineData(new[] { "--hosts", "oracle" }, "Unknown host 'oracle'")]
    [InlineData(new[] { "--time-scale", "0" }, "--time-scale must be a number above 0")]
    [InlineData(new[] { "--out" }, "--out needs a value")]
    [InlineData(new[] { "--fast" }, "Unknown option '--fast'")]
    public async Task Options_AreCheckedBeforeAnythingStarts(string[] args, string message)
    {
        using var stderr = new StringWriter();
        var exit = await CompareCommand.RunAsync(args, TextWriter.Null, stderr, CompareScenarios.All, TimeProvider.System, CancellationToken.None);
        Assert.Equal(2, exit);
        Assert.Contains(message, stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Percentiles_AreNearestRank()
    {
        var samples = Enumerable.Range(1, 100).Select(i => TimeSpan.FromMilliseconds(i)).Reverse().ToList();
        Assert.Equal(TimeSpan.FromMilliseconds(50), Percentiles.Of(samples, 50));
        Assert.Equal(TimeSpan.FromMilliseconds(99), Percentiles.Of(samples, 99));
        Assert.Equal(TimeSpan.FromMilliseconds(7), Percentiles.Of([TimeSpan.FromMilliseconds(7)], 99));
        Assert.Null(Percentiles.Of([], 50));
    }
}
