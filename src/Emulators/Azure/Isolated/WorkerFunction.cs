namespace Portable.Emulators.Azure.Isolated;

/// <summary>
/// One function as the worker reported it in its <c>FunctionMetadataResponse</c> (the worker's own indexing: for the
/// .NET worker, the metadata its source generator built from the <c>[Function]</c> attributes).
/// </summary>
public sealed record WorkerFunction
{
    /// <summary>The function name.</summary>
    public required string Name { get; init; }

    /// <summary>The id the worker gave it (<c>function_id</c>), used in every load and invocation.</summary>
    public required string FunctionId { get; init; }

    /// <summary>The assembly, relative to the app folder (<c>script_file</c>).</summary>
    public required string ScriptFile { get; init; }

    /// <summary>The method, <c>Namespace.Class.Method</c> (<c>entry_point</c>).</summary>
    public required string EntryPoint { get; init; }

    /// <summary>The language (<c>dotnet-isolated</c>).</summary>
    public required string Language { get; init; }

    /// <summary>The bindings as the worker wrote them (<c>raw_bindings</c>), one JSON object each.</summary>
    public required IReadOnlyList<string> RawBindings { get; init; }

    /// <summary>The bindings parsed from <see cref="RawBindings"/>, in order, with every property; <c>$return</c> included.</summary>
    public required IReadOnlyList<FunctionBinding> Bindings { get; init; }

    /// <summary>The function's properties (<c>properties</c>), e.g. <c>IsCodeless</c>.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; init; } = new Dictionary<string, string>();

    /// <summary>The trigger binding (the one binding whose type ends in <c>Trigger</c>), when there is one.</summary>
    public FunctionBinding? Trigger => Bindings.FirstOrDefault(b => b.IsTrigger);

    /// <summary>The HTTP trigger with its parsed route and methods, when the function has one.</summary>
    public HttpTriggerBinding? HttpTrigger { get; init; }
}
