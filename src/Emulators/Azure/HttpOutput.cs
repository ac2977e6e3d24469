namespace Portable.Emulators.Azure;

/// <summary>The HTTP response an invocation's <c>http</c> output binding describes.</summary>
/// <param name="StatusCode">The status; 200 when the handler gave none.</param>
/// <param name="Headers">The headers, in the handler's order.</param>
/// <param name="Body">The body bytes (UTF-8 of a string body, the JSON text of an object body).</param>
public sealed record HttpOutput(int StatusCode, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body);
