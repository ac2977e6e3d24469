using Portable.Core.Messaging;
using Portable.Local.Compare;
using Portable.TestKit;

namespace Portable.Local.Tests;

/// <summary>The README shows the compare command's real output, not a copy that drifted, and its matrix names real tests.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void Readme_CompareSection_MatchesTheCommandOutput()
    {
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        const string begin = "<!-- compare:begin -->\n";
        const string end = "\n<!-- compare:end -->";
        var start = readme.IndexOf(begin, StringComparison.Ordinal);
        var stop = readme.IndexOf(end, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "README.md has no <!-- compare:begin --> … <!-- compare:end --> section.");

        var shown = readme[(start + begin.Length)..stop];
        var expected = DeliveryComparison.Render(DeliveryProfile.All).ReplaceLineEndings("\n").TrimEnd('\n');
        Assert.Equal(expected, shown);
    }

    [Fact]
    public void Readme_PatternMatrix_NamesOnlyTestClassesThatExist()
    {
        // Every cell of the pattern × cloud table names the tests behind it; a renamed or deleted class must not
        // leave a cell pointing at nothing.
        var readme = File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")).ReplaceLineEndings("\n");
        var start = readme.IndexOf("## Patterns × clouds", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '## Patterns × clouds' section.");
        var section = readme[start..readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal)];
        var named = System.Text.RegularExpressions.Regex.Matches(section, @"`(?:[A-Za-z]+\.)*([A-Z][A-Za-z0-9]*Tests)`")
            .Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();
        var declared = Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => System.Text.RegularExpressions.Regex.Matches(File.ReadAllText(f), @"\bclass ([A-Z][A-Za-z0-9]*Tests)\b").Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(named.Count > 30, $"only {named.Count} test classes found in the matrix: the pattern no longer reads it");
        var missing = named.Where(n => !declared.Contains(n)).ToList();
        Assert.True(missing.Count == 0, $"README's matrix names test classes that do not exist: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Render_EveryProfile_OneRowWithItsNumbersAndSources()
    {
        var table = DeliveryComparison.Render(DeliveryProfile.All);

        foreach (var profile in DeliveryProfile.All)
        {
            Assert.Contains($"| {profile.Key} | {profile.BatchSize} (", table, StringComparison.Ordinal);
            Assert.Contains($"- {profile.Key} ({profile.Platform}): {profile.Sources}", table, StringComparison.Ordinal);
        }

        Assert.Contains("| gcp-pubsub-push | 1 (1) | 10 s | 5 | 10 s doubling to 10 min | 10 MiB |", table, StringComparison.Ordinal);
        Assert.Contains("| azure-storage-queue | 1 (1) | 10 min | 5 | immediate | 64 KiB |", table, StringComparison.Ordinal);
    }
}
