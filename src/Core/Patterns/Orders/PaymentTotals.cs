using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>The body of <c>GET {base}/{orderId}</c> (<see cref="PaymentProtocol"/>): <c>{"charged","refunded"}</c>.</summary>
/// <param name="Charged">The amount charged for the order.</param>
/// <param name="Refunded">The amount refunded.</param>
public sealed record PaymentTotals(
    [property: JsonPropertyName("charged")] decimal Charged,
    [property: JsonPropertyName("refunded")] decimal Refunded);
