namespace Portable.Emulators.Azure;

/// <summary>
/// An <c>httpTrigger</c> route as the Functions host reads it (ASP.NET Core route syntax, whole-segment parameters):
/// literal segments, <c>{name}</c>, <c>{name?}</c> and <c>{*name}</c>. Inline constraints and defaults
/// (<c>{id:int}</c>, <c>{id=1}</c>) are parsed but not enforced.
/// </summary>
public sealed class FunctionRouteTemplate
{
    private readonly Segment[] _segments;

    private FunctionRouteTemplate(string text, Segment[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The template as written (without leading or trailing '/').</summary>
    public string Text { get; }

    /// <summary>The kind of each segment, for precedence.</summary>
    public IReadOnlyList<RouteSegmentKind> Kinds => [.. _segments.Select(s => s.Kind)];

    /// <summary>Parses a template; throws <see cref="FormatException"/> naming the problem.</summary>
    public static FunctionRouteTemplate Parse(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var text = template.Trim('/');
        var parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var segments = new Segment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            segments[i] = ParseSegment(template, parts[i]);
            if (segments[i].Kind == RouteSegmentKind.CatchAll && i != parts.Length - 1)
            {
                throw new FormatException($"Route '{template}': a catch-all parameter must be the last segment.");
            }

            if (i > 0 && segments[i - 1].Kind == RouteSegmentKind.OptionalParameter && segments[i].Kind != RouteSegmentKind.OptionalParameter)
            {
                throw new FormatException($"Route '{template}': an optional parameter may only be followed by optional parameters.");
            }
        }

        var names = segments.Where(s => s.Kind != RouteSegmentKind.Literal).Select(s => s.Value).ToList();
        if (names.Distinct(StringComparer.OrdinalIgnoreCase).Count() != names.Count)
        {
            throw new FormatException($"Route '{template}': a parameter name appears twice.");
        }

        return new FunctionRouteTemplate(text, segments);
    }

    /// <summary>
    /// Matches a path (percent-encoded, with or without leading '/'); on success <paramref name="values"/> holds
    /// the decoded parameters (a catch-all gets the rest of the path, '/'-joined, possibly empty).
    /// </summary>
    public bool TryMatch(string path, out Dictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(path);
        values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var p = 0;
        foreach (var segment in _segments)
        {
            switch (segment.Kind)
            {
                case RouteSegmentKind.Literal:
                    if (p >= parts.Length || !string.Equals(segment.Value, Uri.UnescapeDataString(parts[p]), StringComparison.OrdinalIgnoreCase))
                    {
                        return false;
                    }

                    p++;
                    break;
                case RouteSegmentKind.Parameter:
                    if (p >= parts.Length)
                    {
                        return false;
                    }

                    values[segment.Value] = Uri.UnescapeDataString(parts[p++]);
                    break;
                case RouteSegmentKind.OptionalParameter:
                    if (p < parts.Length)
                    {
                        values[segment.Value] = Uri.UnescapeDataString(parts[p++]);
                    }

                    break;
                case RouteSegmentKind.CatchAll:
                    values[segment.Value] = string.Join('/', parts.Skip(p).Select(Uri.UnescapeDataString));
                    p = parts.Length;
                    break;
            }
        }

        return p == parts.Length;
    }

    /// <summary>
    /// Orders two templates by the host's preference, segment by segment: literal before parameter before optional
    /// before catch-all, and a template that has ended before one that goes on. Negative when
    /// <paramref name="left"/> is preferred.
    /// </summary>
    public static int ComparePrecedence(FunctionRouteTemplate left, FunctionRouteTemplate right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var length = Math.Max(left._segments.Length, right._segments.Length);
        for (var i = 0; i < length; i++)
        {
            var l = i < left._segments.Length ? (int)left._segments[i].Kind : 0;
            var r = i < right._segments.Length ? (int)right._segments[i].Kind : 0;
            if (l != r)
            {
                return l.CompareTo(r);
            }
        }

        return 0;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static Segment ParseSegment(string template, string part)
    {
        if (!part.StartsWith('{'))
        {
            return part.Contains('{', StringComparison.Ordinal) || part.Contains('}', StringComparison.Ordinal)
                ? throw new FormatException($"Route '{template}': a parameter must fill a whole segment ('{part}').")
                : new Segment(part, RouteSegmentKind.Literal);
        }

        if (!part.EndsWith('}') || part.Length < 3)
        {
            throw new FormatException($"Route '{template}': malformed parameter '{part}'.");
        }

        var inner = part[1..^1];
        var kind = RouteSegmentKind.Parameter;
        if (inner.StartsWith('*'))
        {
            kind = RouteSegmentKind.CatchAll;
            inner = inner.TrimStart('*');
        }

        var cut = inner.IndexOfAny([':', '=']);
        var optional = inner.EndsWith('?');
        if (optional)
        {
            inner = inner[..^1];
            kind = kind == RouteSegmentKind.CatchAll ? kind : RouteSegmentKind.OptionalParameter;
        }

        var name = cut >= 0 ? inner[..cut] : inner;
        if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new FormatException($"Route '{template}': parameter '{part}' needs a name of letters, digits or '_'.");
        }

        return new Segment(name, kind);
    }

    private readonly record struct Segment(string Value, RouteSegmentKind Kind);
}
