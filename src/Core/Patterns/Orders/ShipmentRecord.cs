using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>A shipment the simulated carrier holds for an order.</summary>
/// <param name="OrderId">The order.</param>
/// <param name="Country">Where it goes.</param>
/// <param name="Cancelled">True once cancelled.</param>
public sealed record ShipmentRecord(
    [property: JsonPropertyName("orderId")] string OrderId,
    [property: JsonPropertyName("country")] string Country,
    [property: JsonPropertyName("cancelled")] bool Cancelled);
