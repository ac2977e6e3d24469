namespace Portable.Emulators.Azure;

/// <summary>An <c>httpTrigger</c> binding: its route (the function name when none is given) and its methods.</summary>
/// <param name="Name">The binding name, the key of the request under <c>Data</c>.</param>
/// <param name="Route">The route, without the route prefix.</param>
/// <param name="Methods">The methods it accepts, upper-case; null when function.json lists none (all methods).</param>
/// <param name="AuthLevel"><c>anonymous</c>, <c>function</c> or <c>admin</c> (not enforced by the emulator).</param>
public sealed record HttpTriggerBinding(string Name, FunctionRouteTemplate Route, IReadOnlyList<string>? Methods, string AuthLevel)
{
    /// <summary>True when <paramref name="method"/> is accepted.</summary>
    public bool Accepts(string method) => Methods is null || Methods.Contains(method, StringComparer.OrdinalIgnoreCase);
}
