using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>The stored final result of one handler run for one saga, replayed to a repeated delivery.</summary>
/// <param name="Succeeded">True when the run succeeded.</param>
/// <param name="Reason">Why it failed; null on success.</param>
public sealed record SagaStepReceipt(
    [property: JsonPropertyName("succeeded")] bool Succeeded,
    [property: JsonPropertyName("reason")] string? Reason);
