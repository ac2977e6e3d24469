using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Ledger;

/// <summary>Source-generated JSON for the ledger.</summary>
[JsonSerializable(typeof(Payment))]
[JsonSerializable(typeof(LedgerEntry))]
[JsonSerializable(typeof(AccountRecord))]
[JsonSerializable(typeof(AccountBalance))]
public sealed partial class LedgerJsonContext : JsonSerializerContext;
