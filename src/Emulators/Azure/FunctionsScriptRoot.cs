using System.Text.Json;
using System.Text.Json.Nodes;

namespace Portable.Emulators.Azure;

/// <summary>
/// A Functions app folder as the host reads it: <c>host.json</c> (its <c>customHandler</c> section, or the
/// deprecated <c>httpWorker</c> one, and <c>extensions.http.routePrefix</c>) and one sub-folder per function
/// holding <c>function.json</c>; the folder name is the function name.
/// </summary>
public sealed class FunctionsScriptRoot
{
    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly JsonNodeOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    private FunctionsScriptRoot(string path, CustomHandlerDescription handler, string routePrefix, bool forwarding, IReadOnlyList<ScriptFunction> functions)
    {
        Path = path;
        Handler = handler;
        RoutePrefix = routePrefix;
        EnableForwardingHttpRequest = forwarding;
        Functions = functions;
        Routes = new FunctionRouteTable(routePrefix, functions);
    }

    /// <summary>The folder, full path.</summary>
    public string Path { get; }

    /// <summary>How to start the handler (<c>customHandler.description</c>).</summary>
    public CustomHandlerDescription Handler { get; }

    /// <summary><c>extensions.http.routePrefix</c>, without slashes; <c>api</c> when host.json does not set it.</summary>
    public string RoutePrefix { get; }

    /// <summary>
    /// <c>customHandler.enableForwardingHttpRequest</c> (or <c>enableProxyingHttpRequest</c>, which the emulator treats
    /// the same way): HTTP-only functions get the original request instead of a payload.
    /// </summary>
    public bool EnableForwardingHttpRequest { get; }

    /// <summary>The functions, ordered by name.</summary>
    public IReadOnlyList<ScriptFunction> Functions { get; }

    /// <summary>The HTTP routes of <see cref="Functions"/>, with the host's precedence.</summary>
    public FunctionRouteTable Routes { get; }

    /// <summary>Finds a function by name (case-insensitive, as the host treats names).</summary>
    public ScriptFunction? Find(string name) => Functions.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Reads <paramref name="directory"/>; throws <see cref="InvalidDataException"/> naming the file at fault.</summary>
    public static FunctionsScriptRoot Load(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var root = System.IO.Path.GetFullPath(directory);
        var hostJsonPath = System.IO.Path.Combine(root, "host.json");
        if (!File.Exists(hostJsonPath))
        {
            throw new InvalidDataException($"{root} is not a Functions app: it has no host.json.");
        }

        var host = ParseObject(hostJsonPath);
        var section = host["customHandler"] as JsonObject ?? host["httpWorker"] as JsonObject
            ?? throw new InvalidDataException($"{hostJsonPath} has no customHandler section, so no custom handler to start.");
        var description = section["description"] as JsonObject
            ?? throw new InvalidDataException($"{hostJsonPath}: customHandler.description is missing.");
        var executable = Text(description["defaultExecutablePath"])
            ?? throw new InvalidDataException($"{hostJsonPath}: customHandler.description.defaultExecutablePath is required.");
        var handler = new CustomHandlerDescription(
            executable,
            Text(description["defaultWorkerPath"]),
            Strings(description["arguments"]),
            Strings(description["workerArguments"]),
            Text(description["workingDirectory"]));
        var forwarding = Flag(section["enableForwardingHttpRequest"]) || Flag(section["enableProxyingHttpRequest"]);
        var prefix = Text(((host["extensions"] as JsonObject)?["http"] as JsonObject)?["routePrefix"]) ?? "api";

        var functions = new List<ScriptFunction>();
        foreach (var folder in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            var functionJson = System.IO.Path.Combine(folder, "function.json");
            if (File.Exists(functionJson))
            {
                functions.Add(ScriptFunction.Parse(System.IO.Path.GetFileName(folder), ParseObject(functionJson), functionJson));
            }
        }

        return new FunctionsScriptRoot(root, handler, prefix.Trim('/'), forwarding, functions);
    }

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

    private static bool Flag(JsonNode? node) =>
        node is JsonValue value && (value.TryGetValue<bool>(out var flag) ? flag : value.TryGetValue<string>(out var text) && bool.TryParse(text, out flag) && flag);

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(Text).OfType<string>()] : [];
}
