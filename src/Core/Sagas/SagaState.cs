using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>
/// The record of one saga instance: its status, the reason it is compensating or ended, the handler runs in the order
/// they finished, and the handler being retried. Immutable; <see cref="SagaEvaluator.Record"/> makes the next one.
/// </summary>
public sealed record SagaState
{
    /// <summary>The saga instance.</summary>
    [JsonPropertyName("sagaId")]
    public required string SagaId { get; init; }

    /// <summary>Where it is.</summary>
    [JsonPropertyName("status")]
    public SagaStatus Status { get; init; } = SagaStatus.Pending;

    /// <summary>Why it compensates or compensated (the failed step's reason, kept when a compensation then fails too).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>The finished handler runs, in the order they finished.</summary>
    [JsonPropertyName("steps")]
    public IReadOnlyList<SagaStepRecord> Steps { get; init; } = [];

    /// <summary>The handler between transient attempts, or null.</summary>
    [JsonPropertyName("current")]
    public SagaAttempt? Current { get; init; }

    /// <summary>Set by <see cref="SagaEvaluator.Abort"/>: the saga is to compensate whatever it has done.</summary>
    [JsonPropertyName("abortReason")]
    public string? AbortReason { get; init; }

    /// <summary>True once the saga is completed, compensated or failed.</summary>
    [JsonIgnore]
    public bool IsTerminal => Status is SagaStatus.Completed or SagaStatus.Compensated or SagaStatus.Failed;

    /// <summary>A new saga, pending.</summary>
    public static SagaState Start(string sagaId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sagaId);
        return new SagaState { SagaId = sagaId };
    }
}
