using System.Text.Json.Nodes;
using Portable.TestKit;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>The Functions Framework conformance cases committed in <c>conformance-data/</c> (see its SOURCES.md).</summary>
internal static class ConformanceData
{
    public static string Folder => Path.Combine(RepoPaths.Root, "tests", "Gcp.Tests", "CloudEvents", "conformance-data");

    /// <summary>The case names that have a file ending in <paramref name="suffix"/> (<c>-cloudevent-input.json</c>, <c>-legacy-input.json</c>).</summary>
    public static TheoryData<string> Cases(string suffix) => [.. Names(suffix)];

    /// <summary>The case names as a list.</summary>
    public static string[] Names(string suffix)
    {
        var names = Directory.GetFiles(Folder, "*" + suffix).Select(f => Path.GetFileName(f)[..^suffix.Length]).Order(StringComparer.Ordinal).ToArray();
        if (names.Length == 0)
        {
            throw new InvalidOperationException($"No *{suffix} in {Folder}.");
        }

        return names;
    }

    public static string Text(string file) => File.ReadAllText(Path.Combine(Folder, file));

    public static JsonObject Json(string file) => JsonNode.Parse(Text(file))!.AsObject();
}
