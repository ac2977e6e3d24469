using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>The document every order step is invoked with: the order without its saga state.</summary>
/// <param name="Id">The order id.</param>
/// <param name="Customer">Who ordered.</param>
/// <param name="Items">The lines.</param>
/// <param name="Card">The card to charge.</param>
/// <param name="ShippingCountry">Where it ships.</param>
/// <param name="Total">The amount to charge.</param>
public sealed record OrderSagaInput(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("customer")] string Customer,
    [property: JsonPropertyName("items")] IReadOnlyList<OrderLine> Items,
    [property: JsonPropertyName("card")] string Card,
    [property: JsonPropertyName("shippingCountry")] string ShippingCountry,
    [property: JsonPropertyName("total")] decimal Total)
{
    /// <summary>The input of <paramref name="order"/>'s saga.</summary>
    public static OrderSagaInput From(OrderRecord order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new(order.Id, order.Customer, order.Items, order.Card, order.ShippingCountry, order.Total);
    }
}
