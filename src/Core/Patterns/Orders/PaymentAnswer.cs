using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>The body a payment service answers a charge or refund with (<see cref="PaymentProtocol"/>).</summary>
/// <param name="Status"><see cref="PaymentProtocol.Charged"/>, <see cref="PaymentProtocol.Refunded"/> or <see cref="PaymentProtocol.Declined"/>.</param>
/// <param name="Reason">Why it was declined; omitted otherwise.</param>
public sealed record PaymentAnswer(
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
