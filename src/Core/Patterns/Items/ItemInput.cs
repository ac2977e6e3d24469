using System.Text.Json;

namespace Portable.Core.Patterns.Items;

/// <summary>
/// A validated <c>{"name","price"}</c> body. Validation names every failing field: <c>name</c> is required,
/// 1–200 characters; <c>price</c> is a number ≥ 0 with at most 2 decimal places.
/// </summary>
public sealed record ItemInput(string Name, decimal Price)
{
    /// <summary>The longest name accepted, in characters (Unicode scalar values).</summary>
    public const int MaxNameLength = 200;

    /// <summary>Validates a parsed body; on failure <paramref name="errors"/> maps each bad field to its message.</summary>
    public static bool TryRead(JsonElement body, out ItemInput input, out Dictionary<string, string> errors)
    {
        input = null!;
        errors = new Dictionary<string, string>(StringComparer.Ordinal);
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = "must be a JSON object";
            return false;
        }

        var name = ReadName(body, errors);
        var price = ReadPrice(body, errors);
        if (errors.Count > 0)
        {
            return false;
        }

        input = new ItemInput(name!, price);
        return true;
    }

    private static string? ReadName(JsonElement body, Dictionary<string, string> errors)
    {
        if (!body.TryGetProperty("name", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors["name"] = "is required";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors["name"] = "must be a string";
            return null;
        }

        var name = value.GetString()!;
        var length = name.EnumerateRunes().Count();
        if (string.IsNullOrWhiteSpace(name) || length > MaxNameLength)
        {
            errors["name"] = $"must be 1 to {MaxNameLength} characters and not blank";
            return null;
        }

        return name;
    }

    private static decimal ReadPrice(JsonElement body, Dictionary<string, string> errors)
    {
        if (!body.TryGetProperty("price", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors["price"] = "is required";
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            errors["price"] = "must be a number";
            return 0;
        }

        if (!value.TryGetDecimal(out var price))
        {
            errors["price"] = "is out of range";
            return 0;
        }

        if (price < 0)
        {
            errors["price"] = "must be greater than or equal to 0";
            return 0;
        }

        var rounded = decimal.Round(price, 2);
        if (rounded != price)
        {
            errors["price"] = "must have at most 2 decimal places";
            return 0;
        }

        return rounded;
    }
}
