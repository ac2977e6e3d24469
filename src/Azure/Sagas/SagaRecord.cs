using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>A recorded saga instance as an orchestrator starts it: its state so far and its input document (JSON).</summary>
/// <param name="State">The saga's state (pending for a new one).</param>
/// <param name="Input">The input document every step is invoked with.</param>
public sealed record SagaRecord(SagaState State, ReadOnlyMemory<byte> Input);
