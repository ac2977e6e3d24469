using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// A SKU's stored stock: the counts, the price, and the units each order holds. Keeping the holds in the same document
/// as the counts makes a reservation and its record one conditional write, so a repeated reservation or release for
/// an order finds its hold (or its absence) and changes nothing.
/// </summary>
/// <param name="Sku">The SKU.</param>
/// <param name="Available">Units that can still be reserved.</param>
/// <param name="Reserved">Units held, the sum of <paramref name="Holds"/>.</param>
/// <param name="Price">The unit price.</param>
/// <param name="Holds">Units held per order id.</param>
public sealed record StockRecord(
    [property: JsonPropertyName("sku")] string Sku,
    [property: JsonPropertyName("available")] int Available,
    [property: JsonPropertyName("reserved")] int Reserved,
    [property: JsonPropertyName("price")] decimal Price,
    [property: JsonPropertyName("holds")] Dictionary<string, int> Holds);
