using System.Text.Json.Nodes;

namespace Portable.Emulators.Azure;

/// <summary>One function of the app as the host indexed it: its name and its bindings.</summary>
public sealed record ScriptFunction
{
    /// <summary>The function name.</summary>
    public required string Name { get; init; }

    /// <summary>Every binding, in file order.</summary>
    public required IReadOnlyList<FunctionBinding> Bindings { get; init; }

    /// <summary>The HTTP trigger, when the function has one.</summary>
    public HttpTriggerBinding? HttpTrigger { get; init; }

    /// <summary>The name of the <c>http</c> output binding (often <c>res</c>, or <c>$return</c>), when there is one.</summary>
    public string? HttpOutputName => Bindings.FirstOrDefault(b => b.IsOutput && b.Type.Equals("http", StringComparison.OrdinalIgnoreCase))?.Name;


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
