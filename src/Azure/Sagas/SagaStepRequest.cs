using System.Text.Json;
using System.Text.Json.Serialization;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// The input of a saga step activity: the step request every orchestrator sends (<c>saga</c>, <c>sagaId</c>,
/// <c>step</c>, <c>phase</c>, <c>attempt</c>), plus the saga's input document, which a Durable activity is handed
/// rather than reading it back from the store.
/// </summary>
/// <param name="Saga">The saga's name.</param>
/// <param name="SagaId">The saga instance.</param>
/// <param name="Step">The handler: a step's name in phase <c>do</c>, its compensation's in <c>undo</c>.</param>
/// <param name="Phase">Forward or compensating.</param>
/// <param name="Attempt">1 for the first attempt.</param>
/// <param name="Input">The saga's input document.</param>
public sealed record SagaStepRequest(
    [property: JsonPropertyName("saga")] string Saga,
    [property: JsonPropertyName("sagaId")] string SagaId,
    [property: JsonPropertyName("step")] string Step,
    [property: JsonPropertyName("phase")] SagaPhase Phase,
    [property: JsonPropertyName("attempt")] int Attempt,
    [property: JsonPropertyName("input")] JsonElement Input);
