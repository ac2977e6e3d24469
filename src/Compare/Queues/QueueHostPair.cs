namespace Portable.Compare.Queues;

/// <summary>A host for the queue scenarios: a normal instance and one whose first deliveries all fail on purpose.</summary>
/// <param name="host">The normal instance.</param>
/// <param name="faulty">The instance started with <c>PORTABLE_FAULTS_TRANSIENT_RATE=1</c>.</param>
/// <param name="shared">What both use (an engine), disposed after them; null when nothing.</param>
public sealed class QueueHostPair(IQueueHostUnderTest host, IQueueHostUnderTest faulty, IAsyncDisposable? shared = null) : IAsyncDisposable
{
    /// <summary>The normal instance.</summary>
    public IQueueHostUnderTest Host { get; } = host;

    /// <summary>The instance whose first delivery of every message fails on purpose.</summary>
    public IQueueHostUnderTest Faulty { get; } = faulty;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Faulty.DisposeAsync();
        if (shared is not null)
        {
            await shared.DisposeAsync();
        }
    }
}
