namespace Portable.Core.State;

/// <summary>
/// A host's state store could not be opened at start-up (the database, table or account did not answer). The
/// message names the store and why; the host reports it as its start-up failure rather than serve without state.
/// </summary>
public sealed class StateStoreUnreachableException : Exception
{
    /// <summary>Describes the failure, with the fault behind it.</summary>
    public StateStoreUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Describes the failure.</summary>
    public StateStoreUnreachableException(string message)
        : base(message)
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructors that say which store.</summary>
    public StateStoreUnreachableException()
        : base("The state store could not be reached.")
    {
    }
}
