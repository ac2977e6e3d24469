namespace Portable.Core.Sagas;

/// <summary>Writes that an orchestrator owning a saga's state makes over <see cref="ISagaRepository"/>.</summary>
public static class SagaRepositoryExtensions
{
    // Only the orchestrator writes a saga it owns; a lost race is another write of the same saga landing first.
    private const int MaxRounds = 100;

    /// <summary>
    /// Stores <paramref name="state"/> as saga <see cref="SagaState.SagaId"/>'s state whatever is stored now: what an
    /// orchestrator that keeps the state itself (Durable) does to leave the store agreeing with it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The saga is not stored, or its record kept changing.</exception>
    public static async ValueTask SaveAsync(this ISagaRepository repository, SagaState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(state);
        for (var round = 0; round < MaxRounds; round++)
        {
            var instance = await repository.LoadAsync(state.SagaId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Saga '{state.SagaId}' is not stored.");
            if (await repository.TrySaveAsync(instance, state, cancellationToken).ConfigureAwait(false) is not null)
            {
                return;
            }
        }

        throw new InvalidOperationException($"Saga '{state.SagaId}' kept changing under {MaxRounds} writes.");
    }
}
