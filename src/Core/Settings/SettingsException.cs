namespace Portable.Core.Settings;

/// <summary>
/// A setting has a value the host cannot use. The message names the variable, the value and what is accepted, and
/// the host stops at start-up with it rather than run with a guess.
/// </summary>
public sealed class SettingsException : Exception
{
    /// <summary>Describes a bad value.</summary>
    public SettingsException(string variable, string value, string accepted)
        : base($"{variable}='{value}' is not valid: expected {accepted}.")
    {
        Variable = variable;
        Value = value;
        Accepted = accepted;
    }

    /// <summary>Describes a missing or inconsistent setting in words of its own.</summary>
    public SettingsException(string message)
        : base(message)
    {
        Variable = string.Empty;
        Value = string.Empty;
        Accepted = string.Empty;
    }

    /// <summary>Needed by the analyzers; prefer the constructors that name the variable.</summary>
    public SettingsException()
        : this("A setting is not valid.")
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructors that name the variable.</summary>
    public SettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Variable = string.Empty;
        Value = string.Empty;
        Accepted = string.Empty;
    }

    /// <summary>The variable's name, e.g. <c>PORTABLE_DYNAMODB_ENDPOINT</c>.</summary>
    public string Variable { get; }

    /// <summary>The value found.</summary>
    public string Value { get; }

    /// <summary>What would have been accepted.</summary>
    public string Accepted { get; }
}
