using System.Collections.Frozen;

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

    /// <summary>Finds a function by name when its trigger is a <typeparamref name="TTrigger"/>.</summary>
    public (FunctionDefinition Function, TTrigger Trigger)? Find<TTrigger>(string name)
        where TTrigger : FunctionTrigger =>
        Find(name) is { Trigger: TTrigger trigger } function ? (function, trigger) : null;

    /// <summary>A manifest holding only <paramref name="name"/> (a host serving one function, as <c>FUNCTION_TARGET</c> asks).</summary>
    public FunctionManifest Only(string name) =>
        Find(name) is { } function
            ? new FunctionManifest([function])
            : throw new ArgumentException(
                $"No function named '{name}' in the manifest. Declared: {string.Join(", ", Functions.Select(f => f.Name))}.",
                nameof(name));

    /// <summary>The functions whose trigger is a <typeparamref name="TTrigger"/>, in declaration order, with it.</summary>
    public IEnumerable<(FunctionDefinition Function, TTrigger Trigger)> FunctionsOf<TTrigger>()
        where TTrigger : FunctionTrigger
    {
        foreach (var function in Functions)
        {
            if (function.Trigger is TTrigger trigger)
            {
                yield return (function, trigger);
            }
        }
    }

    /// <summary>The functions triggered over HTTP.</summary>
    public IEnumerable<(FunctionDefinition Function, HttpTrigger Trigger)> HttpFunctions => FunctionsOf<HttpTrigger>();
}
