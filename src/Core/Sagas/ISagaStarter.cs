namespace Portable.Core.Sagas;

/// <summary>
/// Starts a recorded saga: the seam between the HTTP function that records it and whatever runs it (Portable's
/// coordinator, a Durable orchestration, a Step Functions execution, a Workflows execution). Each host supplies one.
/// </summary>
public interface ISagaStarter
{
    /// <summary>Starts saga <paramref name="sagaId"/>, whose state is already stored; starting it twice starts it once.</summary>
    ValueTask StartAsync(string sagaId, CancellationToken cancellationToken);
}
