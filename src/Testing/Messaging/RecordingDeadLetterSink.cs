using Portable.Core.Messaging;

namespace Portable.Testing;

/// <summary>
/// A dead-letter sink that keeps what it is given, for asserting on permanent failures; set <see cref="FailWith"/>
/// to make it refuse, as an unreachable dead-letter queue would (the message is then retried, not lost). Thread-safe.
/// </summary>
public sealed class RecordingDeadLetterSink : IDeadLetterSink
{
    private readonly Lock _gate = new();
    private readonly List<DeadLetter> _received = [];

    /// <summary>Every dead letter so far, in the order received (a snapshot).</summary>
    public IReadOnlyList<DeadLetter> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>While set, <see cref="DeadLetterAsync"/> throws this instead of recording.</summary>
    public Exception? FailWith { get; set; }

    /// <summary>Forgets every dead letter so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _received.Clear();
        }
    }

    /// <inheritdoc />
    public ValueTask DeadLetterAsync(IncomingMessage message, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reason);
        if (FailWith is { } fault)
        {
            return ValueTask.FromException(fault);
        }

        lock (_gate)
        {
            _received.Add(new DeadLetter(message, reason));
        }

        return ValueTask.CompletedTask;
    }
}
