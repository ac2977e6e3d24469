namespace Portable.Core.Sagas;

/// <summary>
/// Where a host's orchestrator keeps the live state of a saga when it is not the stored record: a Durable
/// orchestration's custom status, for instance. Registered by that host; without one, the stored record is the state.
/// </summary>
public interface ISagaStateSource
{
    /// <summary>The state of saga <paramref name="sagaId"/> as its orchestrator knows it, or null when it knows nothing of it.</summary>
    ValueTask<SagaState?> GetAsync(string sagaId, CancellationToken cancellationToken);
}
