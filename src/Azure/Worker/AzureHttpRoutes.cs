using Portable.Core.Functions;
using Portable.Core.Http;

namespace Portable.Azure.Worker;

/// <summary>
/// How the manifest's HTTP functions become Azure functions, each with exactly one Functions route. The host's
/// router (an ASP.NET Core route collection) tries routes by precedence — literal segments above parameters above
/// catch-alls — and a route whose methods do not include the request's is passed over for the next one, so the
/// catch-all <see cref="FallbackFunctionName"/> function, which takes every method, gets what no other function
/// claims and Core's router answers it with the same 404 or 405 (with <c>Allow</c>) as every other host.
/// </summary>
public static class AzureHttpRoutes
{
    /// <summary>
    /// The catch-all function (route <c>{*path}</c>) that sends every path no other function claims to Core's router,
    /// so that unknown paths get its JSON 404 and known paths with the wrong method its 405.
    /// </summary>
    public const string FallbackFunctionName = "fallback";

    /// <summary>
    /// The Azure HTTP functions of <paramref name="manifest"/>, in manifest order: one per HTTP function, at the
    /// templates' common route (<see cref="CommonRoute"/>) with the methods of its routes, then the
    /// <see cref="FallbackFunctionName"/> catch-all taking every method. A function whose routes share no literal
    /// prefix can only be reached through a catch-all route, so it takes <c>{*path}</c> and every method itself, and
    /// there is no fallback (the Core router behind every route answers unknown paths with the JSON 404 all the same);
    /// two such functions would shadow each other, which no single Azure route can untangle.
    /// </summary>
    /// <exception cref="InvalidOperationException">The manifest declares a function named <see cref="FallbackFunctionName"/>.</exception>
    /// <exception cref="NotSupportedException">Two functions would each need the catch-all route.</exception>
    public static IReadOnlyList<AzureHttpRoute> Of(FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (manifest.Find(FallbackFunctionName) is not null)
        {
            throw new InvalidOperationException(
                $"The manifest declares a function named '{FallbackFunctionName}', which the Azure adapter reserves for its catch-all function. Rename it.");
        }

        var catchAll = manifest.HttpFunctions.Where(f => CommonRoute(f.Trigger) is null).Select(f => f.Function.Name).ToList();
        if (catchAll.Count > 1)
        {
            throw new NotSupportedException(
                $"Functions {string.Join(", ", catchAll.Select(n => $"'{n}'"))} each have routes that share no leading literal segment, so each would need Azure's one catch-all route. Give all but one a common prefix, or split them.");
        }

        var routes = new List<AzureHttpRoute>();
        foreach (var (function, trigger) in manifest.HttpFunctions)
        {
            routes.Add(CommonRoute(trigger) is { } route
                ? new AzureHttpRoute(function.Name, route, trigger.Methods)
                : new AzureHttpRoute(function.Name, AzureHttpRoute.CatchAllRoute, null));
        }

        if (catchAll.Count == 0)
        {
            routes.Add(new AzureHttpRoute(FallbackFunctionName, AzureHttpRoute.CatchAllRoute, null));
        }

        return routes;
    }

    /// <summary>
    /// The single Functions route covering every template of <paramref name="trigger"/>, without a leading '/': the
    /// template itself when the function has one, otherwise the templates' common literal prefix followed by
    /// <c>{*rest}</c> (e.g. <c>items/{*rest}</c>), since a function has exactly one route on Azure; Core's router then
    /// picks the handler. Null when the templates share no leading literal segment and only a catch-all could cover them.
    /// </summary>
    public static string? CommonRoute(HttpTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var templates = trigger.Routes.Select(r => r.Template).DistinctBy(t => t.Text, StringComparer.OrdinalIgnoreCase).ToList();
        if (templates.Count == 1)
        {
            return templates[0].Text.TrimStart('/');
        }

        var prefix = templates[0].LiteralPrefix.ToList();
        foreach (var template in templates.Skip(1))
        {
            var other = template.LiteralPrefix;
            var common = 0;
            while (common < prefix.Count && common < other.Count && string.Equals(prefix[common], other[common], StringComparison.OrdinalIgnoreCase))
            {
                common++;
            }

            prefix.RemoveRange(common, prefix.Count - common);
        }

        return prefix.Count == 0 ? null : string.Join('/', prefix) + "/{*rest}";
    }
}
