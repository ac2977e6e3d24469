using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Ledger;

/// <summary>A payment message: <c>{"paymentId","account","amount","currency"}</c>, validated.</summary>
public sealed record Payment(
    [property: JsonPropertyName("paymentId")] string PaymentId,
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency)
{
    /// <summary>
    /// Parses and validates a message body in one pass of a <see cref="Utf8JsonReader"/> (no document is built). On
    /// failure <paramref name="error"/> says what is wrong, in words fit for a dead-letter reason. Ids and accounts
    /// are limited to characters every store accepts as a key. A member given twice counts as its last value, as in
    /// <see cref="JsonElement.TryGetProperty(string, out JsonElement)"/>.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out Payment payment, out string error)
    {
        payment = null!;
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "The message body is not valid UTF-8 JSON.";
            return false;
        }

        // Null when absent or of the wrong JSON kind: both read "is required and must be a …".
        string? paymentId = null, account = null, currency = null;
        decimal? amount = null;
        bool isObject;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read())
            {
                throw new JsonException("The body holds no JSON value.");
            }

            isObject = reader.TokenType == JsonTokenType.StartObject;
            if (isObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("paymentId"u8))
                    {
                        paymentId = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("account"u8))
                    {
                        account = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("currency"u8))
                    {
                        currency = ReadString(ref reader);
                    }
                    else if (reader.ValueTextEquals("amount"u8))
                    {
                        reader.Read();
                        amount = reader.TokenType == JsonTokenType.Number && reader.TryGetDecimal(out var value) ? value : null;
                        reader.Skip();
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }

            if (reader.Read()) // the reader throws itself on anything but whitespace after the value
            {
                throw new JsonException("The body holds more than one JSON value.");
            }
        }
        catch (JsonException ex)
        {
            error = $"The message body is not valid JSON ({ex.Message})";
            return false;
        }

        if (!isObject)
        {
            error = "The message body must be a JSON object.";
            return false;
        }

        var problems = new List<string>();
        CheckKey(paymentId, "paymentId", 128, problems);
        CheckKey(account, "account", 64, problems);
        CheckAmount(amount, problems);
        if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
        {
            problems.Add("currency must be three capital letters");
        }

        if (problems.Count > 0)
        {
            error = "Invalid payment: " + string.Join("; ", problems) + ".";
            return false;
        }

        payment = new Payment(paymentId!, account!, decimal.Round(amount!.Value, 2), currency!);
        error = string.Empty;
        return true;
    }

    // Moves to the member's value: its text when it is a string, null (and skipped) when it is anything else.
    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString();
        }

        reader.Skip();
        return null;
    }

    private static void CheckKey(string? text, string name, int maxLength, List<string> problems)
    {
        if (text is null)
        {
            problems.Add($"{name} is required and must be a string");
        }
        else if (!IsKey(text, maxLength))
        {
            problems.Add($"{name} must be 1 to {maxLength} letters, digits, '-', '_' or '.'");
        }
    }

    private static bool IsKey(string text, int maxLength) =>
        text.Length >= 1 && text.Length <= maxLength && text.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    private static void CheckAmount(decimal? amount, List<string> problems)
    {
        if (amount is not { } value)
        {
            problems.Add("amount is required and must be a number");
        }
        else if (value <= 0)
        {
            problems.Add("amount must be greater than 0");
        }
        else if (decimal.Round(value, 2) != value)
        {
            problems.Add("amount must have at most 2 decimal places");
        }
    }
}
