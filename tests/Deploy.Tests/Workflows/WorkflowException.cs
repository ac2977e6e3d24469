using System.Text.Json;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>A Workflows error in flight: the map (or string) a step raised, as <c>except: as: e</c> would see it.</summary>
public sealed class WorkflowException : Exception
{
    /// <summary>Wraps the raised value.</summary>
    public WorkflowException(object? value) => Value = value;

    /// <summary>The raised value: an error map with <c>tags</c> and <c>message</c> for the runtime's own errors.</summary>
    public object? Value { get; }

    /// <inheritdoc />
    public override string Message => JsonSerializer.Serialize(YamlValues.ToJson(Value));
}
