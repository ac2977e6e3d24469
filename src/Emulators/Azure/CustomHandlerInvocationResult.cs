using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Emulators.Azure;

/// <summary>What a custom handler answered to one payload-mode invocation.</summary>
/// <param name="StatusCode">The handler's HTTP status; the host treats anything but 2xx as a failed invocation.</param>
/// <param name="Outputs">The <c>Outputs</c> object (output binding name → value), when the body had one.</param>
/// <param name="Logs">The <c>Logs</c> lines, which the host re-logs at Information level.</param>
/// <param name="ReturnValue">The <c>ReturnValue</c> (the <c>$return</c> binding), when present.</param>
/// <param name="Body">The raw response body.</param>
public sealed record CustomHandlerInvocationResult(int StatusCode, JsonObject? Outputs, IReadOnlyList<string> Logs, JsonNode? ReturnValue, string Body)
{
    /// <summary>True for a 2xx status: only then does the host take the outputs.</summary>
    public bool IsSuccess => StatusCode is >= 200 and < 300;

    /// <summary>The output bound to <paramref name="bindingName"/> (case-insensitive, as the host reads it), or null.</summary>
    public JsonNode? GetOutput(string bindingName) => Outputs is null ? null : CustomHandlerPayload.Get(Outputs, bindingName);

    /// <summary>Parses a handler's response; a body that is not a JSON object leaves the outputs empty.</summary>
    public static CustomHandlerInvocationResult Parse(int statusCode, string body)
    {
        JsonObject? root = null;
        try
        {
            root = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true }) as JsonObject;
        }
        catch (JsonException)
        {
            // Not JSON: the host would fail to read it too; outputs stay empty.
        }

        var logs = root is not null && CustomHandlerPayload.Get(root, "Logs") is JsonArray lines
            ? lines.Select(l => l is JsonValue v && v.TryGetValue<string>(out var s) ? s : l?.ToJsonString() ?? string.Empty).ToList()
            : [];
        return new CustomHandlerInvocationResult(
            statusCode,
            root is null ? null : CustomHandlerPayload.Get(root, "Outputs") as JsonObject,
            logs,
            root is null ? null : CustomHandlerPayload.Get(root, "ReturnValue"),
            body);
    }
}
