using System.Text.Json.Serialization;
using Portable.Core.Sagas;

namespace Portable.Core.Patterns.Orders;

/// <summary>An order as stored: what was ordered, its total, its times and its saga's state (status, reason, step history).</summary>
/// <param name="Id">The order id, also the saga id.</param>
/// <param name="Customer">Who ordered.</param>
/// <param name="Items">The lines.</param>
/// <param name="Card">The card to charge.</param>
/// <param name="ShippingCountry">Where it ships.</param>
/// <param name="Total">The sum of quantity × unit price at the time of ordering.</param>
/// <param name="CreatedAt">When it was accepted.</param>
/// <param name="UpdatedAt">When its saga state last changed.</param>
/// <param name="Saga">The saga's state.</param>
public sealed record OrderRecord(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("customer")] string Customer,
    [property: JsonPropertyName("items")] IReadOnlyList<OrderLine> Items,
    [property: JsonPropertyName("card")] string Card,
    [property: JsonPropertyName("shippingCountry")] string ShippingCountry,
    [property: JsonPropertyName("total")] decimal Total,
    [property: JsonPropertyName("createdAt")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("updatedAt")] DateTimeOffset UpdatedAt,
    [property: JsonPropertyName("saga")] SagaState Saga);
