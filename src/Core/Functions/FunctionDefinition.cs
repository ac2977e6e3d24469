namespace Portable.Core.Functions;

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
