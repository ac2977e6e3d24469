using System.Text;
using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// <c>wildcard</c>: <c>*</c> matches zero or more characters of a string value, case-sensitive. As EventBridge
/// specifies it, <c>\*</c> is a literal asterisk, <c>\\</c> a literal backslash, any other escape is refused, and so
/// are two wildcards in a row.
/// </summary>
internal sealed class WildcardMatcher : ValueMatcher
{
    private readonly string[] _parts;

    private WildcardMatcher(string[] parts) => _parts = parts;

    /// <summary>Parses <paramref name="pattern"/>; throws an <see cref="EventPatternException"/> at <paramref name="path"/> for a bad escape or <c>**</c>.</summary>
    public static WildcardMatcher Parse(string pattern, string path)
    {
        var parts = new List<string>();
        var part = new StringBuilder();
        var previousWasWildcard = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length || pattern[i + 1] is not ('*' or '\\'))
                {
                    throw new EventPatternException(
                        path,
                        $"wildcard '{pattern}' has a backslash at position {i + 1} that escapes neither '*' nor '\\' (write \\* for a literal asterisk, \\\\ for a backslash).");
                }

                part.Append(pattern[++i]);
                previousWasWildcard = false;
            }
            else if (c == '*')
            {
                if (previousWasWildcard)
                {
                    throw new EventPatternException(path, $"wildcard '{pattern}' has consecutive wildcard characters at position {i + 1}; one '*' already matches any run of characters.");
                }

                parts.Add(part.ToString());
                part.Clear();
                previousWasWildcard = true;
            }
            else
            {
                part.Append(c);
                previousWasWildcard = false;
            }
        }

        parts.Add(part.ToString());
        return new WildcardMatcher([.. parts]);
    }

    /// <inheritdoc />
    public override bool Matches(JsonElement leaf) => leaf.ValueKind == JsonValueKind.String && Matches(leaf.GetString()!);

    /// <summary>Whether <paramref name="value"/> matches: the first part is its prefix, the last its suffix, the others appear in order between.</summary>
    public bool Matches(string value)
    {
        if (_parts.Length == 1)
        {
            return string.Equals(value, _parts[0], StringComparison.Ordinal);
        }

        var first = _parts[0];
        var last = _parts[^1];
        if (value.Length < first.Length + last.Length
            || !value.StartsWith(first, StringComparison.Ordinal)
            || !value.EndsWith(last, StringComparison.Ordinal))
        {
            return false;
        }

        // With '*' the only wildcard, taking each middle part at its leftmost place never loses a match.
        var position = first.Length;
        var end = value.Length - last.Length;
        for (var i = 1; i < _parts.Length - 1; i++)
        {
            var found = value.IndexOf(_parts[i], position, end - position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + _parts[i].Length;
        }

        return true;
    }
}
