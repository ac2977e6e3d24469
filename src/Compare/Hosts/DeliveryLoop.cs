namespace Portable.Compare.Hosts;

/// <summary>
/// A platform's own delivery machinery, running in the background as it does in the cloud — Lambda's SQS pollers,
/// Pub/Sub's push sender, the Functions host's queue listener — for tests whose functions publish the next message
/// themselves (a saga's coordinator), so nobody can drain by hand. It runs <c>loops</c> copies of one step, each
/// delivering what is due and saying whether it did anything; an idle step waits <see cref="IdleInterval"/> before the
/// next, as a poller's empty receive does. A step that throws stops every loop; the fault is kept in
/// <see cref="Fault"/> for the test to report. Disposing stops the loops and waits for the deliveries in flight.
/// </summary>
public sealed class DeliveryLoop : IAsyncDisposable
{
    /// <summary>How long an idle loop waits before it looks again.</summary>
    public static readonly TimeSpan IdleInterval = TimeSpan.FromMilliseconds(20);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;
    private Exception? _fault;
    private long _busyRounds;

    private DeliveryLoop(string name, int loops, Func<CancellationToken, Task<bool>> step)
    {
        Name = name;
        _loops = [.. Enumerable.Range(0, loops).Select(_ => Task.Run(() => RunAsync(step)))];
    }

    /// <summary>What it delivers, for messages.</summary>
    public string Name { get; }

    /// <summary>The exception that stopped it, or null while it runs (or after a clean stop).</summary>
    public Exception? Fault => Volatile.Read(ref _fault);

    /// <summary>How many steps delivered something.</summary>
    public long BusyRounds => Interlocked.Read(ref _busyRounds);

    /// <summary>Starts <paramref name="loops"/> loops of <paramref name="step"/>, which returns true when it delivered something.</summary>
    public static DeliveryLoop Start(string name, int loops, Func<CancellationToken, Task<bool>> step)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(loops, 1);
        ArgumentNullException.ThrowIfNull(step);
        return new DeliveryLoop(name, loops, step);
    }

    /// <summary>Throws when a step failed, with that failure inside, so a test stops waiting for deliveries that will never come.</summary>
    /// <exception cref="InvalidOperationException">The loop stopped on a fault.</exception>
    public void ThrowIfFaulted()
    {
        if (Fault is { } fault)
        {
            throw new InvalidOperationException($"{Name} stopped delivering: {fault.Message}", fault);
        }
    }

    /// <summary>Stops the loops and waits for what they are delivering.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    private async Task RunAsync(Func<CancellationToken, Task<bool>> step)
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                if (await step(token))
                {
                    Interlocked.Increment(ref _busyRounds);
                    continue;
                }

                await Task.Delay(IdleInterval, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                Interlocked.CompareExchange(ref _fault, ex, null);
                await _stop.CancelAsync();
                return;
            }
        }
    }
}
