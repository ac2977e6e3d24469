namespace Portable.Compare.Queues;

/// <summary>One host started on its own with what it alone uses (its engine), disposed after it.</summary>
/// <param name="host">The host.</param>
/// <param name="shared">What the host uses and does not own (an engine), disposed after it; null when nothing.</param>
public sealed class StartedQueueHost(IQueueHostUnderTest host, IAsyncDisposable? shared) : IAsyncDisposable
{
    /// <summary>The host.</summary>
    public IQueueHostUnderTest Host { get; } = host;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (shared is not null)
        {
            await shared.DisposeAsync();
        }
    }
}
