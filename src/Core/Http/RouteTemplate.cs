using System.Net;

namespace Portable.Core.Http;

/// <summary>
/// A route such as <c>/items/{id}</c>: literal segments (matched case-insensitively) and whole-segment
/// parameters. Kept this small on purpose so that every cloud's router can express it.
/// </summary>
public sealed class RouteTemplate
{
    private readonly Segment[] _segments;
    private readonly int _parameterCount;

    private RouteTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
        _parameterCount = segments.Count(s => s.IsParameter);
    }

    /// <summary>The template as written, normalised to start with '/'.</summary>
    public string Text { get; }

    /// <summary>The parameter names in order.</summary>
    public IReadOnlyList<string> Parameters => [.. _segments.Where(s => s.IsParameter).Select(s => s.Value)];

    /// <summary>The literal segments before the first parameter, e.g. <c>items</c> for <c>/items/{id}</c>.</summary>
    public IReadOnlyList<string> LiteralPrefix => [.. _segments.TakeWhile(s => !s.IsParameter).Select(s => s.Value)];

    /// <summary>Parses a template; throws with a clear message on a malformed one.</summary>
    public static RouteTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var text = "/" + template.Trim('/');
        var segments = new List<Segment>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith('{') && part.EndsWith('}'))
            {
                var name = part[1..^1];
                if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
                {
                    throw new FormatException($"Route '{template}': parameter '{part}' must be a name of letters, digits or '_'.");
                }

                if (!names.Add(name))
                {
                    throw new FormatException($"Route '{template}': parameter '{name}' appears twice.");
                }

                segments.Add(new Segment(name, IsParameter: true));
            }
            else if (part.Contains('{', StringComparison.Ordinal) || part.Contains('}', StringComparison.Ordinal))
            {
                throw new FormatException($"Route '{template}': a parameter must fill a whole segment ('{part}').");
            }
            else
            {
                segments.Add(new Segment(part, IsParameter: false));
            }
        }

        return new RouteTemplate(text, [.. segments]);
    }

    /// <summary>Matches a request path; on success <paramref name="values"/> holds the decoded parameters.</summary>
    public bool TryMatch(string path, out Dictionary<string, string> values) => TryMatch(SplitPath(path), out values);

    /// <summary>
    /// Matches a path already split by <see cref="SplitPath"/>, so that a router splits and decodes each request's
    /// path once however many templates it tries.
    /// </summary>
    public bool TryMatch(ReadOnlySpan<string> segments, out Dictionary<string, string> values)
    {
        values = Matches(segments) ? Capture(segments) : null!;
        return values is not null;
    }

    /// <summary>True when the template has at least one parameter.</summary>
    internal bool HasParameters => _parameterCount > 0;

    /// <summary>True when split <paramref name="segments"/> match, without capturing their values.</summary>
    internal bool Matches(ReadOnlySpan<string> segments)
    {
        if (segments.Length != _segments.Length)
        {
            return false;
        }

        for (var i = 0; i < segments.Length; i++)
        {
            if (!_segments[i].IsParameter && !string.Equals(_segments[i].Value, segments[i], StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parameters' values in <paramref name="segments"/>, which <see cref="Matches"/> accepted.</summary>
    internal Dictionary<string, string> Capture(ReadOnlySpan<string> segments)
    {
        var values = new Dictionary<string, string>(_parameterCount, StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < segments.Length; i++)
        {
            if (_segments[i].IsParameter)
            {
                values[_segments[i].Value] = segments[i];
            }
        }

        return values;
    }

    /// <summary>
    /// A request path's segments, percent-decoded (a <c>+</c> stays a <c>+</c>: it means a space only in a query) and
    /// without empty ones, so <c>/items/</c> and <c>/items</c> are the same path. An encoded <c>/</c> (<c>%2F</c>)
    /// stays inside its segment.
    /// </summary>
    public static string[] SplitPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            if (parts[i].Contains('%', StringComparison.Ordinal))
            {
                parts[i] = WebUtility.UrlDecode(parts[i].Replace("+", "%2B", StringComparison.Ordinal));
            }
        }

        return parts;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private readonly record struct Segment(string Value, bool IsParameter);
}
