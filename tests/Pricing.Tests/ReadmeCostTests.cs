using Portable.Pricing.Cli;

namespace Portable.Pricing.Tests;

/// <summary>The README's cost table is the command's real output, not a copy that drifts from it.</summary>
public class ReadmeCostTests
{
    private const string Begin = "<!-- cost:begin -->\n";
    private const string End = "<!-- cost:end -->";

    [Fact]
    public void Readme_CostSection_IsTheOutputOfPortableCostWithNoFlags()
    {
        var path = Path.Combine(RepositoryRoot(), "README.md");
        var readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        var start = readme.IndexOf(Begin, StringComparison.Ordinal);
        var stop = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(start >= 0 && stop > start, "README.md has no <!-- cost:begin --> … <!-- cost:end --> section.");

        using var output = new StringWriter();
        Assert.Equal(0, CostCommand.Run([], output, TextWriter.Null));
        var expected = output.ToString().ReplaceLineEndings("\n").TrimEnd('\n') + "\n";
        if (Environment.GetEnvironmentVariable("PORTABLE_UPDATE_README") == "1")
        {
            File.WriteAllText(path, readme[..(start + Begin.Length)] + expected + readme[stop..]);
            return;
        }

        Assert.True(
            expected == readme[(start + Begin.Length)..stop],
            "README.md's cost table differs from `portable cost`; regenerate it with PORTABLE_UPDATE_README=1 dotnet test tests/Pricing.Tests --filter ReadmeCostTests.");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Portable.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Portable.sln above {AppContext.BaseDirectory}.");
    }
}
