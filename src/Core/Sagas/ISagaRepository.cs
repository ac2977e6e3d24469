namespace Portable.Core.Sagas;

/// <summary>
/// Where a saga's state is stored (for orders, inside the order document). Writes are conditional, so two deliveries
/// of one step never both record it.
/// </summary>
public interface ISagaRepository
{
    /// <summary>The stored saga <paramref name="sagaId"/>, or null when there is none.</summary>
    ValueTask<SagaInstance?> LoadAsync(string sagaId, CancellationToken cancellationToken);

    /// <summary>Stores <paramref name="state"/> over <paramref name="instance"/> if it is unchanged; returns the new instance, or null when another writer came first.</summary>
    ValueTask<SagaInstance?> TrySaveAsync(SagaInstance instance, SagaState state, CancellationToken cancellationToken);
}
