using System.Text.Json;

namespace Portable.Testing.Tests.Events;

/// <summary>
/// The shape of a JSON document: every path (<c>$.a.b</c>, <c>$.list[]</c> for elements) with the kinds of value
/// found there. Objects whose keys are data (headers, attributes) are named as wildcards: their members are all
/// read as <c>*</c>, so a builder's <c>host</c> header is compared with a sample's <c>header1</c>.
/// </summary>
internal sealed class JsonShape
{
    private readonly Dictionary<string, HashSet<JsonValueKind>> _kinds = new(StringComparer.Ordinal);

    private JsonShape(JsonElement root, IReadOnlySet<string> wildcards) => Walk(root, "$", wildcards);

    public IReadOnlyCollection<string> Paths => _kinds.Keys;

    public static JsonShape Of(string json, params string[] wildcards)
    {
        using var document = JsonDocument.Parse(json);
        return new JsonShape(document.RootElement, wildcards.ToHashSet(StringComparer.Ordinal));
    }

    public static JsonShape Of(ReadOnlyMemory<byte> json, params string[] wildcards)
    {
        using var document = JsonDocument.Parse(json);
        return new JsonShape(document.RootElement, wildcards.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>
    /// Fails unless <paramref name="actual"/> has the sample's shape: every path it has is in the sample with a kind
    /// the sample uses there (or is one of <paramref name="extra"/>, which the protocol documents beyond the sample),
    /// and every path of the sample is in it (unless it is one of <paramref name="optional"/>, which the sample shows
    /// for a request with more in it). A path in <paramref name="extra"/>, or below one, is not compared: the protocol
    /// documents it beyond the sample, or unlike it.
    /// </summary>
    public static void AssertConforms(JsonShape sample, JsonShape actual, IEnumerable<string>? optional = null, IEnumerable<string>? extra = null)
    {
        var optionalPaths = (optional ?? []).ToHashSet(StringComparer.Ordinal);
        var extraPaths = (extra ?? []).ToHashSet(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var (path, kinds) in actual._kinds)
        {
            if (IsAtOrBelow(path, extraPaths))
            {
                continue;
            }

            if (!sample._kinds.TryGetValue(path, out var expected))
            {
                problems.Add($"{path}: not in the sample");
            }
            else if (!kinds.IsSubsetOf(expected))
            {
                problems.Add($"{path}: {string.Join("/", kinds)} where the sample has {string.Join("/", expected)}");
            }
        }

        foreach (var path in sample._kinds.Keys)
        {
            if (!actual._kinds.ContainsKey(path) && !IsAtOrBelow(path, optionalPaths) && !IsAtOrBelow(path, extraPaths))
            {
                problems.Add($"{path}: in the sample, missing");
            }
        }

        Assert.True(problems.Count == 0, "The payload differs from the sample's shape:\n" + string.Join("\n", problems));
    }

    private static bool IsAtOrBelow(string path, IReadOnlySet<string> roots) =>
        roots.Contains(path) || roots.Any(r => path.StartsWith(r + ".", StringComparison.Ordinal) || path.StartsWith(r + "[", StringComparison.Ordinal));

    private void Walk(JsonElement element, string path, IReadOnlySet<string> wildcards)
    {
        if (!_kinds.TryGetValue(path, out var kinds))
        {
            _kinds[path] = kinds = [];
        }

        // true and false are one kind of value.
        kinds.Add(element.ValueKind == JsonValueKind.False ? JsonValueKind.True : element.ValueKind);
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var wildcard = wildcards.Contains(path);
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, path + "." + (wildcard ? "*" : property.Name), wildcards);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, path + "[]", wildcards);
                }

                break;
        }
    }
}
