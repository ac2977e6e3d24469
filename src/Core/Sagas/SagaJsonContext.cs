using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>Source-generated JSON for saga state and step receipts.</summary>
[JsonSerializable(typeof(SagaState))]
[JsonSerializable(typeof(SagaStepReceipt))]
public sealed partial class SagaJsonContext : JsonSerializerContext;
