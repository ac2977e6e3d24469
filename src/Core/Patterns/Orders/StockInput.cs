using System.Text.Json;

namespace Portable.Core.Patterns.Orders;

/// <summary>A validated <c>PUT /inventory/{sku}</c> body: <c>available</c> a whole number ≥ 0, <c>price</c> ≥ 0 with at most 2 decimals.</summary>
/// <param name="Available">Units available.</param>
/// <param name="Price">The unit price.</param>
public sealed record StockInput(int Available, decimal Price)
{
    /// <summary>Validates a parsed body; on failure <paramref name="errors"/> maps each bad field to its message.</summary>
    public static bool TryRead(JsonElement body, out StockInput input, out Dictionary<string, string> errors)
    {
        input = null!;
        errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = "must be a JSON object";
            return false;
        }

        var available = JsonFields.ReadInt(body, "available", "available", 0, int.MaxValue, errors);
        var price = JsonFields.ReadPrice(body, "price", errors);
        if (errors.Count > 0)
        {
            return false;
        }

        input = new StockInput(available, price);
        return true;
    }
}
