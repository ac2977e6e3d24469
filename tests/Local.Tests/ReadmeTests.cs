using Portable.Core.Messaging;
using Portable.Local.Compare;
using Portable.TestKit;

namespace Portable.Local.Tests;

/// <summary>The README shows the compare command's real output, not a copy that drifted.</summary>
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
