using System.Net;

namespace Portable.Core.Http;

/// <summary>A parsed query string: names are case-sensitive, a name may repeat.</summary>
public sealed class QueryValues
{
    private readonly Dictionary<string, List<string>> _values;

    private QueryValues(Dictionary<string, List<string>> values) => _values = values;

    /// <summary>The first value of <paramref name="name"/>, or <c>null</c>.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var v) ? v[0] : null;

    /// <summary>Every value of <paramref name="name"/>.</summary>
    public IReadOnlyList<string> GetValues(string name) => _values.TryGetValue(name, out var v) ? v : [];

    /// <summary>Distinct names in the query.</summary>
    public IEnumerable<string> Names => _values.Keys;

    /// <summary>Parses <c>a=1&amp;b=2&amp;a=3</c> (with or without a leading '?'); '+' is a space.</summary>
    public static QueryValues Parse(string? query)
    {
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!string.IsNullOrEmpty(query))
        {
            foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                var name = Decode(eq < 0 ? part : part[..eq]);
                var value = eq < 0 ? string.Empty : Decode(part[(eq + 1)..]);
                if (!values.TryGetValue(name, out var list))
                {
                    values[name] = list = [];
                }

                list.Add(value);
            }
        }

        return new QueryValues(values);
    }

    /// <summary>Builds a query string from name/value pairs, encoding each part.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join('&', pairs.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));

    private static string Decode(string s) => WebUtility.UrlDecode(s);
}
