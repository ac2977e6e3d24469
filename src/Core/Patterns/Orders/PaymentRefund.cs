using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>The body of <c>POST {base}/refunds</c> (<see cref="PaymentProtocol"/>): refund what the order was charged.</summary>
/// <param name="OrderId">The order whose charge is refunded.</param>
public sealed record PaymentRefund([property: JsonPropertyName("orderId")] string OrderId);
