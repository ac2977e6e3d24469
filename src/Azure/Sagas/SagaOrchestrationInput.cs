using System.Text.Json;
using System.Text.Json.Serialization;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>What a <see cref="SagaOrchestrator"/> instance is started with (the orchestration's input).</summary>
/// <param name="SagaId">The saga instance, also the orchestration's instance id.</param>
/// <param name="Input">The saga's input document, handed unchanged to every step.</param>
/// <param name="State">The state to go on from: the stored one (pending for a new saga).</param>
public sealed record SagaOrchestrationInput(
    [property: JsonPropertyName("sagaId")] string SagaId,
    [property: JsonPropertyName("input")] JsonElement Input,
    [property: JsonPropertyName("state")] SagaState State);
