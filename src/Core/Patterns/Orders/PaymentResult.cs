namespace Portable.Core.Patterns.Orders;

/// <summary>The payment service's answer to a charge or refund it processed: accepted, or refused with a reason.</summary>
/// <param name="Accepted">True when the money moved (or had already moved under the same idempotency key).</param>
/// <param name="Reason">Why it was refused; null when accepted.</param>
public readonly record struct PaymentResult(bool Accepted, string? Reason)
{
    /// <summary>The money moved.</summary>
    public static PaymentResult Done => new(true, null);

    /// <summary>Refused for good.</summary>
    public static PaymentResult Refused(string reason) => new(false, reason);
}
