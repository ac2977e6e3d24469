using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>One line of an order: <c>{"sku","quantity"}</c>.</summary>
/// <param name="Sku">The SKU.</param>
/// <param name="Quantity">Units, 1–1000.</param>
public sealed record OrderLine(
    [property: JsonPropertyName("sku")] string Sku,
    [property: JsonPropertyName("quantity")] int Quantity);
