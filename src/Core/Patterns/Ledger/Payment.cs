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
    /// Parses and validates a message body. On failure <paramref name="error"/> says what is wrong, in words
    /// fit for a dead-letter reason. Ids and accounts are limited to characters every store accepts as a key.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> body, out Payment payment, out string error)
    {
        payment = null!;
        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            error = "The message body is not valid UTF-8 JSON.";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            error = $"The message body is not valid JSON ({ex.Message})";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "The message body must be a JSON object.";
                return false;
            }

            var problems = new List<string>();
            var paymentId = ReadKey(root, "paymentId", 128, problems);
            var account = ReadKey(root, "account", 64, problems);
            var amount = ReadAmount(root, problems);
            var currency = root.TryGetProperty("currency", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : null;
            if (currency is null || currency.Length != 3 || !currency.All(char.IsAsciiLetterUpper))
            {
                problems.Add("currency must be three capital letters");
            }

            if (problems.Count > 0)
            {
                error = "Invalid payment: " + string.Join("; ", problems) + ".";
                return false;
            }

            payment = new Payment(paymentId!, account!, amount, currency!);
            error = string.Empty;
            return true;
        }
    }

    /// <summary>The <c>paymentId</c> of a body, or null when there is none to read (the message id is used then).</summary>
    public static string? SelectPaymentId(ReadOnlyMemory<byte> body)
    {
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            return null;
        }

        try
        {
            var reader = new Utf8JsonReader(body.Span);
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("paymentId", out var id)
                && id.ValueKind == JsonValueKind.String
                && IsKey(id.GetString()!, 128)
                    ? "payment:" + id.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ReadKey(JsonElement root, string name, int maxLength, List<string> problems)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            problems.Add($"{name} is required and must be a string");
            return null;
        }

        var text = value.GetString()!;
        if (!IsKey(text, maxLength))
        {
            problems.Add($"{name} must be 1 to {maxLength} letters, digits, '-', '_' or '.'");
            return null;
        }

        return text;
    }

    private static bool IsKey(string text, int maxLength) =>
        text.Length >= 1 && text.Length <= maxLength && text.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.');

    private static decimal ReadAmount(JsonElement root, List<string> problems)
    {
        if (!root.TryGetProperty("amount", out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var amount))
        {
            problems.Add("amount is required and must be a number");
            return 0;
        }

        if (amount <= 0)
        {
            problems.Add("amount must be greater than 0");
        }
        else if (decimal.Round(amount, 2) != amount)
        {
            problems.Add("amount must have at most 2 decimal places");
        }

        return decimal.Round(amount, 2);
    }
}

/// <summary>A recorded ledger entry: the payment plus where and when it was recorded.</summary>
public sealed record LedgerEntry(
    [property: JsonPropertyName("paymentId")] string PaymentId,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("recordedAt")] DateTimeOffset RecordedAt);

/// <summary>An account's fixed facts: its currency, set by its first payment.</summary>
public sealed record AccountRecord([property: JsonPropertyName("currency")] string Currency);

/// <summary>The <c>GET /accounts/{account}</c> body. <c>entries</c> is the number of ledger entries.</summary>
public sealed record AccountBalance(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("balance")] decimal Balance,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("entries")] int Entries);

/// <summary>Source-generated JSON for the ledger.</summary>
[JsonSerializable(typeof(Payment))]
[JsonSerializable(typeof(LedgerEntry))]
[JsonSerializable(typeof(AccountRecord))]
[JsonSerializable(typeof(AccountBalance))]
public sealed partial class LedgerJsonContext : JsonSerializerContext;
