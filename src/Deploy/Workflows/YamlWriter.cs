using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Portable.Deploy.Workflows;

/// <summary>
/// Writes a <see cref="YamlMap"/> as block-style YAML in the layout Google's Workflows samples use (two-space indents,
/// sequence items under their key, short lists of names in flow style). A string stays plain when YAML reads it back
/// as the same string and is single-quoted otherwise (for example an expression holding <c>": "</c>), so
/// <c>${…}</c> expressions read as they do in the Workflows documentation.
/// </summary>
internal static partial class YamlWriter
{
    public static string Write(YamlMap document, IEnumerable<string> headerComments)
    {
        var text = new StringBuilder();
        foreach (var comment in headerComments)
        {
            text.Append(comment.Length == 0 ? "#" : "# " + comment).Append('\n');
        }

        var first = true;
        foreach (var (key, value) in document)
        {
            if (!first)
            {
                text.Append('\n');
            }

            first = false;
            WriteEntry(text, Key(key), key, value, 0);
        }

        return text.ToString();
    }

    private static void WriteMap(StringBuilder text, YamlMap map, int indent, string? firstLinePrefix)
    {
        var pad = new string(' ', indent);
        var first = true;
        foreach (var (key, value) in map)
        {
            var lead = first && firstLinePrefix is not null ? firstLinePrefix : pad;
            first = false;
            WriteEntry(text, lead + Key(key), key, value, indent);
        }
    }

    private static void WriteEntry(StringBuilder text, string lead, string key, object? value, int indent)
    {
        switch (value)
        {
            case YamlMap { Count: 0 }:
                text.Append(lead).Append(": {}\n");
                break;
            case YamlMap map:
                text.Append(lead).Append(":\n");
                WriteMap(text, map, indent + 2, null);
                break;
            case IReadOnlyList<object?> { Count: 0 }:
                text.Append(lead).Append(": []\n");
                break;
            case IReadOnlyList<object?> list when list.All(i => i is string s && IsName(s)):
                text.Append(lead).Append(": [").Append(string.Join(", ", list)).Append("]\n");
                break;
            case IReadOnlyList<object?> list:
                text.Append(lead).Append(":\n");
                WriteSequence(text, list, indent + 2);
                break;
            default:
                text.Append(lead).Append(": ").Append(Scalar(value, key)).Append('\n');
                break;
        }
    }

    private static void WriteSequence(StringBuilder text, IReadOnlyList<object?> list, int indent)
    {
        var dash = new string(' ', indent) + "- ";
        foreach (var item in list)
        {
            switch (item)
            {
                case YamlMap { Count: > 0 } map:
                    WriteMap(text, map, indent + 2, dash);
                    break;
                case YamlMap or IReadOnlyList<object?>:
                    throw new InvalidOperationException("The writer does not emit empty maps or nested lists as sequence items.");
                default:
                    text.Append(dash).Append(Scalar(item, "-")).Append('\n');
                    break;
            }
        }
    }

    // A name, or a plain-safe key such as Kubernetes' annotation keys (autoscaling.knative.dev/minScale); anything else is quoted.
    private static string Key(string key) =>
        IsName(key) || (IsPlainSafe(key) && !key.Contains(':', StringComparison.Ordinal)) ? key : String(key);

    private static string Scalar(object? value, string key) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        // "R" writes a whole double without a fraction (2.0 → 2), which YAML reads as the integer the schema asks for.
        double d when double.IsFinite(d) => d.ToString("R", CultureInfo.InvariantCulture),
        string s => String(s),
        _ => throw new InvalidOperationException($"The value of '{key}' ({value.GetType().Name}) has no YAML form here."),
    };

    private static string String(string s)
    {
        if (s.Any(char.IsControl))
        {
            throw new InvalidOperationException($"The string '{s}' holds a control character; the generator emits one-line strings only.");
        }

        return IsPlainSafe(s) ? s : "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    // A plain scalar must not start with an indicator, hold ": " or " #", end in ':' or look like another type.
    private static bool IsPlainSafe(string s) =>
        s.Length > 0
        && !char.IsWhiteSpace(s[0]) && !char.IsWhiteSpace(s[^1])
        && "-?:,[]{}#&*!|>'\"%@`".IndexOf(s[0], StringComparison.Ordinal) < 0
        && !s.Contains(": ", StringComparison.Ordinal) && !s.Contains(" #", StringComparison.Ordinal) && s[^1] != ':'
        && !NotAString().IsMatch(s);

    private static bool IsName(string s) => Name().IsMatch(s) && !NotAString().IsMatch(s);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Name();

    // What YAML 1.1 or 1.2 resolves to null, a boolean or a number when unquoted.
    [GeneratedRegex(@"^(~|null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|y|Y|n|N|[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex NotAString();
}
