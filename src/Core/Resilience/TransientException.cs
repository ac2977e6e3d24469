namespace Portable.Core.Resilience;

/// <summary>
/// Marks a fault as transient (throttling, a busy or briefly unreachable service) so the resilience pipelines retry it.
/// Adapters wrap a cloud SDK's transient error in this, passing the service's Retry-After hint when it gave one.
/// </summary>
public sealed class TransientException : Exception
{
    /// <summary>Creates the exception with a description of the fault.</summary>
    public TransientException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a description and the fault behind it.</summary>
    public TransientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with the delay the service asked for before the next attempt.</summary>
    public TransientException(string message, TimeSpan? retryAfter, Exception? innerException = null)
        : base(message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>Needed by the analyzers; prefer the constructors that describe the fault.</summary>
    public TransientException()
        : base("Transient failure.")
    {
    }

    /// <summary>How long the service asked callers to wait (an HTTP Retry-After, a throttling hint); null when it did not say.</summary>
    public TimeSpan? RetryAfter { get; }
}
