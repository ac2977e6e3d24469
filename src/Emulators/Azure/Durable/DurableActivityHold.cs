namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// A test's hold on one activity (<see cref="DurableTaskHub.HoldActivity"/>): while it is on, every invocation of the
/// activity waits before it reaches the worker, as one does behind a busy worker or a slow downstream, so an
/// orchestration's durable timer can win the race against it. <see cref="Release"/> (or disposing) lets the waiting
/// invocations and all later ones run. A held invocation is in flight: the hub is not idle while one waits.
/// </summary>
public sealed class DurableActivityHold : IDisposable
{
    private readonly Lock gate = new();
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<DurableActivityHold> onRelease;
    private TaskCompletionSource changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int held;

    internal DurableActivityHold(string activityName, Action<DurableActivityHold> onRelease)
    {
        ActivityName = activityName;
        this.onRelease = onRelease;
    }

    /// <summary>The activity held (names compare case-insensitively, as function names do).</summary>
    public string ActivityName { get; }

    /// <summary>How many invocations have been held so far (waiting or since released).</summary>
    public int Held
    {
        get
        {
            lock (gate)
            {
                return held;
            }
        }
    }

    /// <summary>True once released.</summary>
    public bool IsReleased => released.Task.IsCompleted;

    /// <summary>Waits until <paramref name="count"/> invocations have been held.</summary>
    public async Task WaitForHeldAsync(int count, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (held >= count)
                {
                    return;
                }

                next = changed.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lets every held invocation run, and stops holding new ones.</summary>
    public void Release()
    {
        if (released.TrySetResult())
        {
            onRelease(this);
        }
    }

    /// <summary>Releases the hold.</summary>
    public void Dispose() => Release();

    /// <summary>Counts one invocation and waits until the hold is released or the hub stops.</summary>
    internal Task WaitAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource signal;
        lock (gate)
        {
            held++;
            signal = changed;
            changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.SetResult();
        return released.Task.WaitAsync(cancellationToken);
    }
}
