using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Core.Sagas;

/// <summary>
/// What an orchestrator sends to run one handler of a saga, the same JSON from each of them (a Step Functions Task's
/// payload, a Workflows <c>http.post</c> body, a coordinator's queue message):
/// <c>{"saga":"order","sagaId":"…","step":"charge-payment","phase":"do","attempt":1}</c>.
/// </summary>
/// <param name="Saga">The saga's name (<see cref="SagaDefinition.Name"/>).</param>
/// <param name="SagaId">The saga instance.</param>
/// <param name="Step">The handler: a step's name in <see cref="SagaPhase.Do"/>, its compensation's in <see cref="SagaPhase.Undo"/>.</param>
/// <param name="Phase">Forward or compensating.</param>
/// <param name="Attempt">The attempt the sender means (1 for the first). The saga state counts attempts itself; a coordinator uses this to tell a stale message from a due one.</param>
public sealed record SagaStepRequest(
    [property: JsonPropertyName("saga")] string Saga,
    [property: JsonPropertyName("sagaId")] string SagaId,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("phase")] SagaPhase Phase,
    [property: JsonPropertyName("attempt")] int Attempt)
{
    /// <summary>The request that runs <paramref name="decision"/> (a decision to run a handler) for <paramref name="sagaId"/>.</summary>
    public static SagaStepRequest For(SagaDefinition definition, string sagaId, SagaDecision decision)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Kind == SagaDecisionKind.Run
            ? new SagaStepRequest(definition.Name, sagaId, decision.Step!, decision.Phase, decision.Attempt)
            : throw new ArgumentException("The decision is not to run a step.", nameof(decision));
    }

    /// <summary>
    /// Reads a request for <paramref name="definition"/>. <c>phase</c> may be left out (the handler's name says it);
    /// <c>attempt</c> defaults to 1. Anything else wrong (not JSON, another saga, a handler the saga does not have, a
    /// phase that is not the handler's) is refused with the reason.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> json, SagaDefinition definition, out SagaStepRequest request, out string error)
    {
        ArgumentNullException.ThrowIfNull(definition);
        request = null!;
        Wire? wire;
        try
        {
            wire = JsonSerializer.Deserialize(json, SagaWireJsonContext.Default.Wire);
        }
        catch (JsonException ex)
        {
            error = $"The step request is not valid JSON: {ex.Message}";
            return false;
        }

        if (wire is null)
        {
            error = "The step request is not a JSON object.";
            return false;
        }

        error = wire switch
        {
            { Saga: null or "" } => "The step request has no 'saga'.",
            _ when wire.Saga != definition.Name => $"The step request is for saga '{wire.Saga}'; this function runs '{definition.Name}'.",
            { SagaId: null or "" } => "The step request has no 'sagaId'.",
            { Step: null or "" } => "The step request has no 'step'.",
            _ when !definition.TryFindHandler(wire.Step, out _, out _) => $"Saga '{definition.Name}' has no handler '{wire.Step}' (it has: {string.Join(", ", definition.HandlerNames)}).",
            { Attempt: < 1 } => "The step request's 'attempt' must be 1 or more.",
            _ => "",
        };
        if (error.Length > 0)
        {
            return false;
        }

        definition.TryFindHandler(wire.Step!, out _, out var phase);
        if (wire.Phase is { } stated && stated != phase)
        {
            error = $"'{wire.Step}' runs in phase '{(phase == SagaPhase.Do ? "do" : "undo")}', not the phase the request names.";
            return false;
        }

        request = new SagaStepRequest(wire.Saga!, wire.SagaId!, wire.Step!, phase, wire.Attempt ?? 1);
        return true;
    }

    /// <summary>The request as JSON.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, SagaWireJsonContext.Default.SagaStepRequest);

    internal sealed record Wire(
        [property: JsonPropertyName("saga")] string? Saga,
        [property: JsonPropertyName("sagaId")] string? SagaId,
        [property: JsonPropertyName("step")] string? Step,
        [property: JsonPropertyName("phase")] SagaPhase? Phase,
        [property: JsonPropertyName("attempt")] int? Attempt);
}
