using System.Collections.Concurrent;
using Portable.Core.Messaging;

namespace Portable.Testing.Messaging;

/// <summary>
/// The test host's <see cref="IMessagePublisher"/>: keeps every published message, in order, and holds the ones not
/// yet delivered so <c>FunctionTestHost.DeliverPublishedAsync</c> can hand them to the functions that
/// consume their queues, as a platform would.
/// </summary>
public sealed class InMemoryPublisher(TimeProvider timeProvider) : IMessagePublisher
{
    private readonly ConcurrentQueue<IncomingMessage> _pending = new();
    private readonly List<IncomingMessage> _published = [];
    private long _sequence;

    /// <summary>Every message published so far, in the order it was published (its <see cref="IncomingMessage.Source"/> is the destination).</summary>
    public IReadOnlyList<IncomingMessage> Published
    {
        get
        {
            lock (_published)
            {
                return [.. _published];
            }
        }
    }

    /// <summary>The messages published to <paramref name="destination"/>, in order.</summary>
    public IReadOnlyList<IncomingMessage> PublishedTo(string destination) => [.. Published.Where(m => m.Source == destination)];

    /// <summary>How many published messages wait to be delivered.</summary>
    public int PendingCount => _pending.Count;

    /// <inheritdoc />
    public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destination);
        ArgumentNullException.ThrowIfNull(message);
        var id = message.MessageId ?? $"m-{Interlocked.Increment(ref _sequence):D6}";
        var incoming = new IncomingMessage
        {
            Id = id,
            Body = message.Body.ToArray(),
            Attributes = message.Attributes ?? new Dictionary<string, string>(),
            Source = destination,
            EnqueuedAt = timeProvider.GetUtcNow(),
        };
        lock (_published)
        {
            _published.Add(incoming);
        }

        _pending.Enqueue(incoming);
        return ValueTask.FromResult(id);
    }

    /// <summary>Takes the oldest message not yet delivered, to deliver it by hand; null when none waits.</summary>
    public IncomingMessage? TakeNext() => _pending.TryDequeue(out var message) ? message : null;

    /// <summary>Drops every message not yet delivered, as a lost publish would (they stay in <see cref="Published"/>).</summary>
    public void Clear() => _pending.Clear();

    /// <summary>Takes the oldest message not yet delivered.</summary>
    internal bool TryTake(out IncomingMessage message) => _pending.TryDequeue(out message!);

    /// <summary>Puts a message back to be delivered again (a retry), its delivery count raised.</summary>
    internal void Requeue(IncomingMessage message) => _pending.Enqueue(message with { DeliveryCount = message.DeliveryCount + 1 });
}
