using Portable.Core.Functions;

namespace Portable.Core.Http;

/// <summary>
/// Finds the function and route for a request across the whole manifest, so that an unknown path is a 404
/// and a known path with the wrong method is a 405 with <c>Allow</c> — the same on every host.
/// </summary>
public sealed class HttpRouter
{
    private readonly (FunctionDefinition Function, HttpRoute Route)[] _routes;

    /// <summary>Builds the routing table from the manifest's HTTP functions.</summary>
    public HttpRouter(FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        _routes = [.. manifest.HttpFunctions.SelectMany(f => f.Trigger.Routes.Select(r => (f.Function, r)))];
    }

    /// <summary>
    /// Resolves <paramref name="method"/> and <paramref name="path"/>; the path is split and decoded once for every
    /// template. <see cref="RouteResolution.Values"/> is null for a route whose template has no parameters.
    /// </summary>
    public RouteResolution Resolve(string method, string path)
    {
        var segments = RouteTemplate.SplitPath(path);
        List<string>? allowed = null;
        foreach (var (function, route) in _routes)
        {
            if (!route.Template.Matches(segments))
            {
                continue;
            }

            if (string.Equals(route.Method, method, StringComparison.OrdinalIgnoreCase))
            {
                // A template without parameters captures nothing: no dictionary is made for it.
                return new RouteResolution(function, route, route.Template.HasParameters ? route.Template.Capture(segments) : null, Allowed: []);
            }

            (allowed ??= []).Add(route.Method);
        }

        return new RouteResolution(null, null, null, allowed is null ? [] : [.. allowed.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]);
    }
}
