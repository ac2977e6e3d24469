namespace Portable.Compare.Hosts;

/// <summary>Environment variables for a child process, where a null value unsets one.</summary>
internal static class Variables
{
    /// <summary>The variables of <paramref name="layers"/>, each on top of the ones before (a null layer adds nothing).</summary>
    public static Dictionary<string, string?> Merge(params IReadOnlyDictionary<string, string?>?[] layers)
    {
        var merged = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, value) in layers.SelectMany(l => l ?? new Dictionary<string, string?>()))
        {
            merged[name] = value;
        }

        return merged;
    }
}
