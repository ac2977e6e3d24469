using System.Text.Json;

namespace Portable.Core.Patterns.Orders;

/// <summary>
/// A validated <c>POST /orders</c> body. Each failing field is named: <c>customer</c> (1–200 characters),
/// <c>items</c> (1–50 lines), <c>items[i].sku</c>, <c>items[i].quantity</c> (1–1000), <c>card</c> (12–19 digits)
/// and <c>shippingCountry</c> (two capital letters).
/// </summary>
/// <param name="Customer">Who orders.</param>
/// <param name="Items">The lines.</param>
/// <param name="Card">The card number.</param>
/// <param name="ShippingCountry">ISO 3166 alpha-2 code.</param>
public sealed record OrderInput(string Customer, IReadOnlyList<OrderLine> Items, string Card, string ShippingCountry)
{
    /// <summary>The most lines an order may have.</summary>
    public const int MaxLines = 50;

    /// <summary>The largest quantity of one line.</summary>
    public const int MaxQuantity = 1000;

    /// <summary>Validates a parsed body; on failure <paramref name="errors"/> maps each bad field to its message.</summary>
    public static bool TryRead(JsonElement body, out OrderInput input, out Dictionary<string, string> errors)
    {
        input = null!;
        errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = "must be a JSON object";
            return false;
        }

        var customer = JsonFields.ReadString(body, "customer", "customer", errors);
        var items = ReadItems(body, errors);
        var card = ReadPattern(body, "card", static c => c.Length is >= 12 and <= 19 && c.All(char.IsAsciiDigit), "must be a string of 12 to 19 digits", errors);
        var country = ReadPattern(body, "shippingCountry", static c => c.Length == 2 && c.All(char.IsAsciiLetterUpper), "must be two capital letters", errors);
        if (errors.Count > 0)
        {
            return false;
        }

        input = new OrderInput(customer!, items, card!, country!);
        return true;
    }

    private static List<OrderLine> ReadItems(JsonElement body, Dictionary<string, string> errors)
    {
        var lines = new List<OrderLine>();
        if (!body.TryGetProperty("items", out var items) || items.ValueKind == JsonValueKind.Null)
        {
            errors["items"] = "is required";
            return lines;
        }

        if (items.ValueKind != JsonValueKind.Array)
        {
            errors["items"] = "must be an array";
            return lines;
        }

        var count = items.GetArrayLength();
        if (count is < 1 or > MaxLines)
        {
            errors["items"] = $"must have 1 to {MaxLines} lines";
            return lines;
        }

        var i = 0;
        foreach (var item in items.EnumerateArray())
        {
            var prefix = $"items[{i++}]";
            if (item.ValueKind != JsonValueKind.Object)
            {
                errors[prefix] = "must be an object";
                continue;
            }

            var sku = JsonFields.ReadString(item, "sku", prefix + ".sku", errors, maxLength: 100);
            var quantity = JsonFields.ReadInt(item, "quantity", prefix + ".quantity", 1, MaxQuantity, errors);
            if (sku is not null && quantity > 0)
            {
                lines.Add(new OrderLine(sku, quantity));
            }
        }

        return lines;
    }

    private static string? ReadPattern(JsonElement body, string name, Func<string, bool> valid, string message, Dictionary<string, string> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[name] = "is required";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String || !valid(value.GetString()!))
        {
            errors[name] = message;
            return null;
        }

        return value.GetString();
    }
}
