namespace Portable.Emulators.Azure;

/// <summary>A request matched to a function: the function and the route values its template captured.</summary>
public sealed record FunctionRouteMatch(ScriptFunction Function, IReadOnlyDictionary<string, string> Values);
