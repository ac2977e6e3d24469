using Portable.Compare.Hosts;
using Portable.Compare.Scenarios;

namespace Portable.Compare.Tests;

/// <summary>
/// The README shows a real <c>portable compare</c> run: every scenario the command has, each with a row per host.
/// The figures are that run's (they differ from run to run); the coverage must not drift from the command.
/// </summary>
public sealed class ReadmeCompareTests
{
    [Fact]
    public void Readme_CompareOutput_HasEveryScenario_WithARowPerHost()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "README.md")).ReplaceLineEndings("\n");
        const string begin = "<!-- compare-report:begin -->\n";
        const string end = "<!-- compare-report:end -->";
        var start = readme.IndexOf(begin, StringComparison.Ordinal);
        var stop = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "README.md has no <!-- compare-report:begin --> … <!-- compare-report:end --> section.");
        var shown = readme[(start + begin.Length)..stop];

        var missing = new List<string>();
        foreach (var scenario in CompareScenarios.All)
        {
            var heading = shown.IndexOf($"### {scenario.Title}\n", StringComparison.Ordinal);
            if (heading < 0)
            {
                missing.Add($"no '### {scenario.Title}'");
                continue;
            }

            var next = shown.IndexOf("\n### ", heading + 4, StringComparison.Ordinal);
            var table = shown[heading..(next < 0 ? shown.Length : next)];
            missing.AddRange(CompareHosts.All.Where(h => !table.Contains($"\n| {h} |", StringComparison.Ordinal)).Select(h => $"'{scenario.Title}' has no {h} row"));
        }

        Assert.True(missing.Count == 0, "Run `dotnet run --project src/Local -c Release -- compare` and paste its tables into the README: " + string.Join("; ", missing));
    }
}
