using Portable.Core.Functions;

namespace Portable.Core.Http;

/// <summary>
/// The router's answer: a function and route, or nothing — with <see cref="Allowed"/> non-empty when the
/// path exists under other methods (405), empty when it does not exist at all (404).
/// </summary>
public sealed record RouteResolution(
    FunctionDefinition? Function,
    HttpRoute? Route,
    IReadOnlyDictionary<string, string>? Values,
    IReadOnlyList<string> Allowed);
