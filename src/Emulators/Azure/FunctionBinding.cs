using System.Text.Json.Nodes;

namespace Portable.Emulators.Azure;

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
