using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>The body of <c>POST {base}/charges</c> (<see cref="PaymentProtocol"/>).</summary>
/// <param name="OrderId">The order being paid for.</param>
/// <param name="Amount">The amount to charge, at most 2 decimal places.</param>
/// <param name="Card">The card number.</param>
public sealed record PaymentCharge(
    [property: JsonPropertyName("orderId")] string OrderId,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("card")] string Card);
