namespace Portable.Core.Events.Routing;

/// <summary>
/// An event pattern EventBridge would refuse: thrown when the pattern is parsed, never while matching, with the JSON
/// path of the offending part (<c>$.detail.state[0]</c>) and what is wrong with it.
/// </summary>
public sealed class EventPatternException : Exception
{
    /// <summary>Creates the exception for the part at <paramref name="path"/>, wrong because of <paramref name="reason"/>.</summary>
    public EventPatternException(string path, string reason)
        : base($"Invalid event pattern at {path}: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Creates the exception for the part at <paramref name="path"/>, with the fault behind it (a JSON syntax error).</summary>
    public EventPatternException(string path, string reason, Exception innerException)
        : base($"Invalid event pattern at {path}: {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>Needed by the analyzers; prefer the constructors that take a path and a reason.</summary>
    public EventPatternException()
        : this("$", "the pattern is not valid.")
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructors that take a path and a reason.</summary>
    public EventPatternException(string message)
        : base(message)
    {
        Path = "$";
        Reason = message;
    }

    /// <summary>Needed by the analyzers; prefer the constructors that take a path and a reason.</summary>
    public EventPatternException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = "$";
        Reason = message;
    }

    /// <summary>Where in the pattern the fault is, as a JSON path from the root <c>$</c>.</summary>
    public string Path { get; }

    /// <summary>What is wrong there, without the path.</summary>
    public string Reason { get; }
}
