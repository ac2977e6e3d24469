namespace Portable.Azure.Worker;

/// <summary>
/// One HTTP function as Azure sees it: its name, its single Functions route (no leading '/') and the methods the
/// host lets through to it. <see cref="Methods"/> is null for a function that takes every method: the catch-all
/// (<c>{*path}</c>) function, which must receive what no other route claims so that Core's router answers it
/// (404, or 405 with <c>Allow</c>).
/// </summary>
/// <param name="FunctionName">The Azure function name (the manifest's, or <see cref="AzureHttpRoutes.FallbackFunctionName"/>).</param>
/// <param name="Route">The Functions route template, e.g. <c>items/{*rest}</c>.</param>
/// <param name="Methods">Upper-case methods of the function's routes; null for every method.</param>
public sealed record AzureHttpRoute(string FunctionName, string Route, IReadOnlyList<string>? Methods)
{
    /// <summary>The catch-all route the fallback function (or a function whose routes share no prefix) takes.</summary>
    public const string CatchAllRoute = "{*path}";

    /// <summary>True for the catch-all route.</summary>
    public bool IsCatchAll => Route == CatchAllRoute;
}
