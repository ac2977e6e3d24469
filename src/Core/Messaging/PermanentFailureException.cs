namespace Portable.Core.Messaging;

/// <summary>
/// Thrown by a handler for a failure that retrying cannot fix (bad data, a broken business rule). Any other
/// exception is treated as transient.
/// </summary>
public sealed class PermanentFailureException : Exception
{
    /// <summary>Creates the exception with the reason recorded beside the dead letter.</summary>
    public PermanentFailureException(string reason)
        : base(reason)
    {
    }

    /// <summary>Creates the exception with the reason and the fault behind it.</summary>
    public PermanentFailureException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructors that take a reason.</summary>
    public PermanentFailureException()
        : base("Permanent failure.")
    {
    }
}
