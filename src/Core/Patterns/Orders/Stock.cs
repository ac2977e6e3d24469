using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>A SKU's stock as <c>GET /inventory/{sku}</c> returns it: <c>{"sku","available","reserved","price"}</c>.</summary>
/// <param name="Sku">The SKU.</param>
/// <param name="Available">Units that can still be reserved; never below zero.</param>
/// <param name="Reserved">Units reserved by orders (released again when an order is compensated).</param>
/// <param name="Price">The unit price.</param>
public sealed record Stock(
    [property: JsonPropertyName("sku")] string Sku,
    [property: JsonPropertyName("available")] int Available,
    [property: JsonPropertyName("reserved")] int Reserved,
    [property: JsonPropertyName("price")] decimal Price);
