using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Ledger;

/// <summary>The <c>GET /accounts/{account}</c> body. <c>entries</c> is the number of ledger entries.</summary>
public sealed record AccountBalance(
    [property: JsonPropertyName("account")] string Account,
    [property: JsonPropertyName("balance")] decimal Balance,
    [property: JsonPropertyName("currency")] string Currency,
    [property: JsonPropertyName("entries")] int Entries);
