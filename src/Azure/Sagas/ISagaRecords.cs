using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// Where a saga's instances are recorded before and after an orchestrator runs them: the stored record a saga starts
/// from (its state and its input document) and the stored record its final state is written back to, so that the
/// store agrees with the orchestration once it ends (a reconciliation job reads stored records).
/// </summary>
public interface ISagaRecords
{
    /// <summary>The stored state and input document of saga <paramref name="sagaId"/>, or null when it is not recorded.</summary>
    ValueTask<SagaRecord?> LoadAsync(string sagaId, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="state"/> into the stored record of its saga.</summary>
    /// <exception cref="InvalidOperationException">The saga is not recorded.</exception>
    ValueTask SaveAsync(SagaState state, CancellationToken cancellationToken);
}
