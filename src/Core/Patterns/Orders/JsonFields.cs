using System.Text.Json;

namespace Portable.Core.Patterns.Orders;

/// <summary>Field readers with the messages <see cref="Items.ItemInput"/> uses, each naming the field on failure.</summary>
internal static class JsonFields
{
    public static string? ReadString(JsonElement body, string name, string field, Dictionary<string, string> errors, int maxLength = 200)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[field] = "is required";
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            errors[field] = "must be a string";
            return null;
        }

        var text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text) || text.EnumerateRunes().Count() > maxLength)
        {
            errors[field] = $"must be 1 to {maxLength} characters and not blank";
            return null;
        }

        return text;
    }

    public static int ReadInt(JsonElement body, string name, string field, int min, int max, Dictionary<string, string> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[field] = "is required";
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            errors[field] = "must be a number";
            return 0;
        }

        if (!value.TryGetInt32(out var number) || number < min || number > max)
        {
            errors[field] = max == int.MaxValue ? $"must be a whole number greater than or equal to {min}" : $"must be a whole number from {min} to {max}";
            return 0;
        }

        return number;
    }

    public static decimal ReadPrice(JsonElement body, string name, Dictionary<string, string> errors)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            errors[name] = "is required";
            return 0;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            errors[name] = "must be a number";
            return 0;
        }

        if (!value.TryGetDecimal(out var price))
        {
            errors[name] = "is out of range";
            return 0;
        }

        if (price < 0)
        {
            errors[name] = "must be greater than or equal to 0";
            return 0;
        }

        if (decimal.Round(price, 2) != price)
        {
            errors[name] = "must have at most 2 decimal places";
            return 0;
        }

        return price;
    }
}
