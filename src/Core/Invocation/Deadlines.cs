namespace Portable.Core.Invocation;

/// <summary>Turns a platform deadline into cancellation, on the injected clock.</summary>
internal static class Deadlines
{
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Cancels <paramref name="source"/> when <paramref name="deadline"/> passes. Linked sources cannot take a
    /// <see cref="TimeProvider"/>, so a timer from it does the cancelling; dispose the timer when done.
    /// </summary>
    public static ITimer? Start(TimeProvider time, DateTimeOffset? deadline, CancellationTokenSource source)
    {
        if (deadline is not { } at)
        {
            return null;
        }

        var remaining = at - time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            source.Cancel();
            return null;
        }

        // A timer takes at most 4294967294 ms (about 49.7 days) and throws beyond; no invocation outlives that.
        if (remaining >= MaxTimerDueTime)
        {
            return null;
        }

        return time.CreateTimer(static s => ((CancellationTokenSource)s!).Cancel(), source, remaining, Timeout.InfiniteTimeSpan);
    }
}
