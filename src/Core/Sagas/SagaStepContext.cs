namespace Portable.Core.Sagas;

/// <summary>
/// What a step handler is invoked with, the same from every orchestrator (a Durable activity input, a Step Functions
/// Task payload, a Workflows call body, a coordinator message): the saga id, the handler, its phase, the attempt and
/// the saga's input document.
/// </summary>
/// <param name="SagaId">The saga instance (for orders, the order id): with <paramref name="Step"/> and <paramref name="Phase"/> the idempotency key of this run.</param>
/// <param name="Step">The handler name: a step's name in <see cref="SagaPhase.Do"/>, its compensation's in <see cref="SagaPhase.Undo"/>.</param>
/// <param name="Phase">Forward or compensating.</param>
/// <param name="Attempt">1 for the first attempt, then 2, 3, …</param>
/// <param name="Input">The saga's input document (JSON), unchanged for every step.</param>
public sealed record SagaStepContext(string SagaId, string Step, SagaPhase Phase, int Attempt, ReadOnlyMemory<byte> Input);
