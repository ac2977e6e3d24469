using System.Text.Json.Serialization;
using Portable.Core.Sagas;

namespace Portable.Core.Patterns.Orders;

/// <summary>One step run as <c>GET /orders/{id}</c> shows it: <c>{"step","phase","outcome","attempts","at"}</c>.</summary>
/// <param name="Step">The handler (a compensation's name in the undo phase).</param>
/// <param name="Phase"><c>do</c> or <c>undo</c>.</param>
/// <param name="Outcome"><c>succeeded</c> or <c>failed</c>.</param>
/// <param name="Attempts">Attempts it took.</param>
/// <param name="At">When it ended.</param>
public sealed record OrderStep(
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("phase")] SagaPhase Phase,
    [property: JsonPropertyName("outcome")] SagaStepOutcome Outcome,
    [property: JsonPropertyName("attempts")] int Attempts,
    [property: JsonPropertyName("at")] DateTimeOffset At);
