using System.Collections.Frozen;
using Portable.Core.Http;

namespace Portable.Core.Functions;

/// <summary>
/// The single source of truth for the app: every function declared once with its name, trigger and handler.
/// Hosts route from it and every deployment file is generated from it.
/// </summary>
public sealed class FunctionManifest
{
    private readonly FrozenDictionary<string, FunctionDefinition> _byName;

    /// <summary>Creates a manifest; names must be unique and valid on every cloud.</summary>
    public FunctionManifest(IEnumerable<FunctionDefinition> functions)
    {
        ArgumentNullException.ThrowIfNull(functions);
        Functions = [.. functions];
        var byName = new Dictionary<string, FunctionDefinition>(StringComparer.Ordinal);
        foreach (var function in Functions)
        {
            if (!byName.TryAdd(function.Name, function))
            {
                throw new ArgumentException($"Function '{function.Name}' is declared twice.", nameof(functions));
            }
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The functions in declaration order.</summary>
    public IReadOnlyList<FunctionDefinition> Functions { get; }

    /// <summary>Finds a function by name.</summary>
    public FunctionDefinition? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>A manifest holding only <paramref name="name"/> (a host serving one function, as <c>FUNCTION_TARGET</c> asks).</summary>
    public FunctionManifest Only(string name) =>
        Find(name) is { } function
            ? new FunctionManifest([function])
            : throw new ArgumentException(
                $"No function named '{name}' in the manifest. Declared: {string.Join(", ", Functions.Select(f => f.Name))}.",
                nameof(name));

    /// <summary>The functions triggered over HTTP.</summary>
    public IEnumerable<(FunctionDefinition Function, HttpTrigger Trigger)> HttpFunctions =>
        Functions.Where(f => f.Trigger is HttpTrigger).Select(f => (f, (HttpTrigger)f.Trigger));
}

/// <summary>One function: a name valid on every cloud (lower-case letters, digits and dashes) and its trigger.</summary>
public sealed record FunctionDefinition
{
    /// <summary>Declares a function.</summary>
    public FunctionDefinition(string name, FunctionTrigger trigger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(trigger);
        if (name.Length > 63 || !name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-') || name[0] == '-')
        {
            throw new ArgumentException(
                $"Function name '{name}' must be 1-63 lower-case letters, digits or dashes, starting with a letter or digit.",
                nameof(name));
        }

        Name = name;
        Trigger = trigger;
    }

    /// <summary>The function's name: the Lambda <c>_HANDLER</c>, the Functions folder, the Cloud Run <c>FUNCTION_TARGET</c>.</summary>
    public string Name { get; }

    /// <summary>What invokes it.</summary>
    public FunctionTrigger Trigger { get; }
}

/// <summary>What invokes a function. HTTP today; queue, schedule and event triggers derive from this too.</summary>
public abstract record FunctionTrigger;

/// <summary>An HTTP-triggered function: one or more routes, each with its own handler.</summary>
public sealed record HttpTrigger(IReadOnlyList<HttpRoute> Routes) : FunctionTrigger
{
    /// <summary>Every method the function answers, upper-case and sorted.</summary>
    public IReadOnlyList<string> Methods => [.. Routes.Select(r => r.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
}

/// <summary>Builds a <see cref="FunctionManifest"/>.</summary>
public sealed class FunctionManifestBuilder
{
    private readonly List<FunctionDefinition> _functions = [];

    /// <summary>Declares an HTTP function whose routes <paramref name="routes"/> adds.</summary>
    public FunctionManifestBuilder AddHttp(string name, Action<HttpRoutesBuilder> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var builder = new HttpRoutesBuilder();
        routes(builder);
        if (builder.Routes.Count == 0)
        {
            throw new ArgumentException($"HTTP function '{name}' declares no route.", nameof(routes));
        }

        _functions.Add(new FunctionDefinition(name, new HttpTrigger(builder.Routes)));
        return this;
    }

    /// <summary>Declares a function with any trigger.</summary>
    public FunctionManifestBuilder Add(FunctionDefinition function)
    {
        ArgumentNullException.ThrowIfNull(function);
        _functions.Add(function);
        return this;
    }

    /// <summary>The manifest.</summary>
    public FunctionManifest Build() => new(_functions);
}
