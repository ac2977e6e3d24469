using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Emulators.Azure;

/// <summary>
/// Reads Functions app configuration as the host does: <c>host.json</c>, <c>worker.config.json</c> and the worker's
/// raw bindings are JSON objects with comments and trailing commas allowed and case-insensitive names.
/// </summary>
internal static class FunctionsScriptRoot
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly JsonNodeOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Reads a JSON object file as the host reads its config (comments and trailing commas allowed, names case-insensitive).</summary>
    internal static JsonObject ParseObject(string path)
    {
        try
        {
            return JsonNode.Parse(File.ReadAllText(path), CaseInsensitive, Lenient) as JsonObject
                ?? throw new InvalidDataException($"{path} is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not valid JSON: {ex.Message}", ex);
        }
    }

    /// <summary>Parses JSON text as the host reads its config; <paramref name="what"/> names it in the error.</summary>
    internal static JsonObject ParseObjectText(string json, string what)
    {
        try
        {
            return JsonNode.Parse(json, CaseInsensitive, Lenient) as JsonObject
                ?? throw new InvalidDataException($"{what} is not a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{what} is not valid JSON: {ex.Message}", ex);
        }
    }

    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
}
