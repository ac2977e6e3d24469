using System.Text;

namespace Portable.Compare.Report;

/// <summary>HTML escaping for the report: every piece of text from the model goes through here before it is written.</summary>
internal static class Html
{
    /// <summary>Text as element content.</summary>
    public static string Text(string? value) => Escape(value ?? string.Empty);

    /// <summary>Text as a double-quoted attribute value.</summary>
    public static string Attribute(string? value) => Escape(value ?? string.Empty);

    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("&<>\"'") < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            _ = c switch
            {
                '&' => escaped.Append("&amp;"),
                '<' => escaped.Append("&lt;"),
                '>' => escaped.Append("&gt;"),
                '"' => escaped.Append("&quot;"),
                '\'' => escaped.Append("&#39;"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }
}
