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

    private static JsonObject ParseObject(string path)
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

    internal static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool Flag(JsonNode? node) =>
        node is JsonValue value && (value.TryGetValue<bool>(out var flag) ? flag : value.TryGetValue<string>(out var text) && bool.TryParse(text, out flag) && flag);

    private static IReadOnlyList<string> Strings(JsonNode? node) =>
        node is JsonArray array ? [.. array.Select(Text).OfType<string>()] : [];
}

/// <summary><c>customHandler.description</c>: what the host starts, and where.</summary>
/// <param name="DefaultExecutablePath">The executable; relative paths resolve from the app root.</param>
/// <param name="DefaultWorkerPath">A script passed to the executable (e.g. <c>server.js</c> for <c>node</c>).</param>
/// <param name="Arguments">Arguments before the worker path.</param>
/// <param name="WorkerArguments">Arguments after the worker path.</param>
/// <param name="WorkingDirectory">The working directory, relative to the app root; the app root when empty.</param>
public sealed record CustomHandlerDescription(
    string DefaultExecutablePath,
    string? DefaultWorkerPath,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> WorkerArguments,
    string? WorkingDirectory);

/// <summary>One binding of a function.json, with all its properties.</summary>
/// <param name="Type">E.g. <c>httpTrigger</c>, <c>http</c>, <c>queueTrigger</c>, <c>queue</c>.</param>
/// <param name="Direction"><c>in</c>, <c>out</c> or <c>inout</c>.</param>
/// <param name="Name">The key under <c>Data</c> (inputs) or <c>Outputs</c> (outputs); <c>$return</c> for the return value.</param>
/// <param name="Properties">The binding object as written.</param>
public sealed record FunctionBinding(string Type, string Direction, string Name, JsonObject Properties)
{
    /// <summary>True for a trigger binding (its type ends in <c>Trigger</c>).</summary>
    public bool IsTrigger => Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for an input binding.</summary>
    public bool IsInput => Direction.StartsWith("in", StringComparison.OrdinalIgnoreCase);

    /// <summary>True for an output binding.</summary>
    public bool IsOutput => Direction.EndsWith("out", StringComparison.OrdinalIgnoreCase);
}

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

/// <summary>One function of the app: its folder name and its bindings.</summary>
public sealed record ScriptFunction
{
    /// <summary>The function name (its folder name).</summary>
    public required string Name { get; init; }

    /// <summary>Every binding, in file order.</summary>
    public required IReadOnlyList<FunctionBinding> Bindings { get; init; }

    /// <summary>The HTTP trigger, when the function has one.</summary>
    public HttpTriggerBinding? HttpTrigger { get; init; }

    /// <summary>The name of the <c>http</c> output binding (often <c>res</c>, or <c>$return</c>), when there is one.</summary>
    public string? HttpOutputName => Bindings.FirstOrDefault(b => b.IsOutput && b.Type.Equals("http", StringComparison.OrdinalIgnoreCase))?.Name;

    /// <summary>
    /// True when the function is exactly an HTTP trigger plus an HTTP output: only then does the host forward the
    /// request; any other binding forces payload mode (protocols README §1c).
    /// </summary>
    public bool IsHttpOnly => Bindings.Count == 2 && HttpTrigger is not null && HttpOutputName is not null;

    internal static ScriptFunction Parse(string name, JsonObject json, string path)
    {
        var bindings = new List<FunctionBinding>();
        if (json["bindings"] is not JsonArray array)
        {
            throw new InvalidDataException($"{path}: 'bindings' must be an array.");
        }

        foreach (var node in array)
        {
            if (node is not JsonObject binding
                || FunctionsScriptRoot.Text(binding["type"]) is not { } type
                || FunctionsScriptRoot.Text(binding["name"]) is not { } bindingName)
            {
                throw new InvalidDataException($"{path}: every binding needs a 'type' and a 'name'.");
            }

            bindings.Add(new FunctionBinding(type, FunctionsScriptRoot.Text(binding["direction"]) ?? "in", bindingName, binding));
        }

        HttpTriggerBinding? trigger = null;
        if (bindings.FirstOrDefault(b => b.Type.Equals("httpTrigger", StringComparison.OrdinalIgnoreCase)) is { } http)
        {
            FunctionRouteTemplate route;
            try
            {
                route = FunctionRouteTemplate.Parse(FunctionsScriptRoot.Text(http.Properties["route"]) ?? name);
            }
            catch (FormatException ex)
            {
                throw new InvalidDataException($"{path}: {ex.Message}", ex);
            }

            var methods = http.Properties["methods"] is JsonArray list
                ? list.Select(FunctionsScriptRoot.Text).OfType<string>().Select(m => m.ToUpperInvariant()).ToList()
                : null;
            trigger = new HttpTriggerBinding(http.Name, route, methods, FunctionsScriptRoot.Text(http.Properties["authLevel"]) ?? "function");
        }

        return new ScriptFunction { Name = name, Bindings = bindings, HttpTrigger = trigger };
    }
}
