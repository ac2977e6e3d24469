namespace Portable.Core.Invocation;

/// <summary>The transient fault <see cref="FaultInjectionMiddleware"/> throws.</summary>
public sealed class InjectedTransientFaultException : Exception
{
    /// <summary>Creates the fault for <paramref name="messageId"/>.</summary>
    public InjectedTransientFaultException(string messageId)
        : base($"Injected transient fault on the first delivery of message {messageId} ({FaultInjectionMiddleware.RateVariable}).")
    {
    }

    /// <summary>Creates the fault for delivery <paramref name="deliveryCount"/> of <paramref name="messageId"/>.</summary>
    public InjectedTransientFaultException(string messageId, int deliveryCount)
        : base($"Injected transient fault on delivery {deliveryCount} of message {messageId} ({FaultInjectionMiddleware.RateVariable}, {FaultInjectionMiddleware.DeliveriesVariable}).")
    {
    }

    /// <summary>Creates the fault.</summary>
    public InjectedTransientFaultException()
    {
    }

    /// <summary>Creates the fault with a message and cause.</summary>
    public InjectedTransientFaultException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
