using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// What the payment service charged and refunded for an order, and the idempotency keys it applied (known to the
/// simulated service only; over HTTP the service answers <see cref="PaymentTotals"/> and the keys stay empty).
/// </summary>
/// <param name="Charged">The amount charged.</param>
/// <param name="Refunded">The amount refunded.</param>
/// <param name="AppliedKeys">Idempotency keys of the calls that took effect; a call under one of them again changes nothing.</param>
public sealed record PaymentRecord(
    [property: JsonPropertyName("charged")] decimal Charged,
    [property: JsonPropertyName("refunded")] decimal Refunded,
    [property: JsonPropertyName("appliedKeys")] IReadOnlyList<string> AppliedKeys)
{
    /// <summary>Nothing charged or refunded.</summary>
    public static PaymentRecord None { get; } = new(0, 0, []);
}
