using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Ledger;

/// <summary>A recorded ledger entry: the payment plus where and when it was recorded.</summary>
public sealed record LedgerEntry(
    [property: JsonPropertyName("paymentId")] string PaymentId,
    [property: JsonPropertyName("amount")] decimal Amount,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("messageId")] string MessageId,
    [property: JsonPropertyName("recordedAt")] DateTimeOffset RecordedAt);
