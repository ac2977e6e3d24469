using Microsoft.Extensions.Time.Testing;

namespace Portable.Core.Tests.Resilience;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that says when a timer is armed (created or changed), so a test can move the
/// clock only after the code under test started waiting on it — no real sleeping, no racing the thread pool.
/// </summary>
internal sealed class SteppedTimeProvider : FakeTimeProvider
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _armings;

    public SteppedTimeProvider()
        : base(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero))
    {
    }

    public int Armings
    {
        get
        {
            lock (_gate)
            {
                return _armings;
            }
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ArmedTimer(base.CreateTimer(callback, state, dueTime, period), this);
        Armed();
        return timer;
    }

    /// <summary>
    /// Runs <paramref name="task"/> to completion: each time a timer is armed, advances the clock by
    /// <paramref name="step"/> (so a wait of up to <paramref name="step"/> always ends). Returns the time advanced.
    /// </summary>
    public async Task<TimeSpan> DriveAsync(Task task, TimeSpan step, int maxSteps = 1000)
    {
        var seen = 0;
        var advanced = TimeSpan.Zero;
        for (var steps = 0; !task.IsCompleted; steps++)
        {
            Assert.True(steps < maxSteps, $"The task did not finish after {steps} clock steps of {step}.");
            Task armed;
            lock (_gate)
            {
                armed = _armings > seen ? Task.CompletedTask : _armed.Task;
            }

            // A safety net against a hang, not a timing assertion: the task or a new timer normally shows up at once.
            await Task.WhenAny(task, armed).WaitAsync(TimeSpan.FromSeconds(30));
            if (task.IsCompleted)
            {
                break;
            }

            seen = Armings;
            Advance(step);
            advanced += step;
        }

        return advanced;
    }

    private void Armed()
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            _armings++;
            signal = _armed;
            _armed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        signal.TrySetResult();
    }

    private sealed class ArmedTimer(ITimer inner, SteppedTimeProvider owner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            owner.Armed();
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>A downstream call that fails with the given faults in turn, then succeeds; counts its calls.</summary>
internal sealed class ScriptedCall(params Exception[] faults)
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public ValueTask<string> InvokeAsync(CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        return call <= faults.Length ? ValueTask.FromException<string>(faults[call - 1]) : ValueTask.FromResult($"ok after {call}");
    }

    /// <summary>Always fails with <paramref name="fault"/>.</summary>
    public static ScriptedCall Always(Exception fault) => new(Enumerable.Repeat(fault, 10_000).ToArray());
}
