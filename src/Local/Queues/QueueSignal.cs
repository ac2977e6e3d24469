namespace Portable.Local.Queues;

/// <summary>Wakes a queue's consumer as soon as something is enqueued, instead of waiting for the next poll.</summary>
public sealed class QueueSignal
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _signals = new(StringComparer.Ordinal);

    /// <summary>Says that <paramref name="queue"/> has work.</summary>
    public void Notify(string queue)
    {
        var signal = _signals.GetOrAdd(queue, _ => new SemaphoreSlim(0, 1));
        if (signal.CurrentCount == 0)
        {
            try
            {
                signal.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Waits until <paramref name="queue"/> is notified or <paramref name="timeout"/> passes.</summary>
    public Task WaitAsync(string queue, TimeSpan timeout, CancellationToken cancellationToken) =>
        _signals.GetOrAdd(queue, _ => new SemaphoreSlim(0, 1)).WaitAsync(timeout, cancellationToken);
}
