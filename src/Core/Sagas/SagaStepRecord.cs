using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>The final outcome of one handler run, as a saga's history keeps it (and <c>GET /orders/{id}</c> shows it).</summary>
/// <param name="Step">The handler that ran (a compensation's own name in the undo phase).</param>
/// <param name="Phase">Forward or compensating.</param>
/// <param name="Outcome">Succeeded, or failed (permanently or out of attempts).</param>
/// <param name="Attempts">How many attempts it took.</param>
/// <param name="At">When the last attempt ended.</param>
/// <param name="Reason">Why it failed; null on success.</param>
public sealed record SagaStepRecord(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("phase")] SagaPhase Phase,
    [property: JsonPropertyName("outcome")] SagaStepOutcome Outcome,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("reason"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason = null);
