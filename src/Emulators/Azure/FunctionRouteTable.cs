namespace Portable.Emulators.Azure;

/// <summary>
/// The host's HTTP routing over an app's functions: <c>/{routePrefix}/{route}</c>, the most specific template
/// first (literal, then parameter, then optional, then catch-all), and a route's <c>methods</c> honoured when
/// listed. No match is the host's empty 404.
/// </summary>
public sealed class FunctionRouteTable
{
    private readonly string _prefix;
    private readonly (ScriptFunction Function, HttpTriggerBinding Trigger)[] _routes;

    /// <summary>Builds the table; functions without an HTTP trigger are left out.</summary>
    public FunctionRouteTable(string routePrefix, IEnumerable<ScriptFunction> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        _prefix = (routePrefix ?? string.Empty).Trim('/');
        _routes = [.. functions
            .Where(f => f.HttpTrigger is not null)
            .Select(f => (f, f.HttpTrigger!))
            .OrderBy(r => r.Item2.Route, Comparer<FunctionRouteTemplate>.Create(FunctionRouteTemplate.ComparePrecedence))
            .ThenBy(r => r.f.Name, StringComparer.Ordinal)];
    }

    /// <summary>Finds the function for <paramref name="method"/> and the percent-encoded <paramref name="path"/>, or null.</summary>
    public FunctionRouteMatch? Match(string method, string path)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (!TryRelative(path, out var relative))
        {
            return null;
        }

        foreach (var (function, trigger) in _routes)
        {
            if (trigger.Accepts(method) && trigger.Route.TryMatch(relative, out var values))
            {
                return new FunctionRouteMatch(function, values);
            }
        }

        return null;
    }

    /// <summary>
    /// True when some route matches the percent-encoded <paramref name="path"/> whatever its methods: a request that
    /// <see cref="Match"/> turns down for its method alone (a 405 rather than a 404, where a front door tells the two apart).
    /// </summary>
    public bool MatchesPath(string path)
    {
        if (!TryRelative(path, out var relative))
        {
            return false;
        }

        foreach (var (_, trigger) in _routes)
        {
            if (trigger.Route.TryMatch(relative, out _))
            {
                return true;
            }
        }

        return false;
    }

    private bool TryRelative(string path, out string relative)
    {
        ArgumentNullException.ThrowIfNull(path);
        relative = path.TrimStart('/');
        if (_prefix.Length == 0)
        {
            return true;
        }

        if (relative.Equals(_prefix, StringComparison.OrdinalIgnoreCase))
        {
            relative = string.Empty;
            return true;
        }

        if (relative.StartsWith(_prefix + "/", StringComparison.OrdinalIgnoreCase))
        {
            relative = relative[(_prefix.Length + 1)..];
            return true;
        }

        return false;
    }
}
