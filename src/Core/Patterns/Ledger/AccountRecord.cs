using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Ledger;

/// <summary>An account's fixed facts: its currency, set by its first payment.</summary>
public sealed record AccountRecord([property: JsonPropertyName("currency")] string Currency);
