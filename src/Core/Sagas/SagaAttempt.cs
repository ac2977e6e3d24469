using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>A handler still being retried: the attempts made so far, each transient, and the last one's reason.</summary>
/// <param name="Step">The handler.</param>
/// <param name="Phase">Its phase.</param>
/// <param name="Attempts">Attempts made so far (≥ 1).</param>
/// <param name="LastReason">Why the last attempt failed.</param>
/// <param name="At">When the last attempt ended.</param>
public sealed record SagaAttempt(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("phase")] SagaPhase Phase,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("lastReason")] string LastReason,
    [property: JsonPropertyName("at")] DateTimeOffset At);
