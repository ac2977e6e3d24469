using System.Collections.Concurrent;
using Portable.Core.Events;

namespace Portable.Testing.Messaging;

/// <summary>
/// The test host's <see cref="IEventPublisher"/>: keeps every published event, in order, and holds the ones not yet
/// delivered so <c>FunctionTestHost.DeliverPublishedEventsAsync</c> can route them to the event functions whose rules
/// match, as a bus would. It keeps each event's own id (a bus such as EventBridge gives a new one).
/// </summary>
public sealed class InMemoryEventBus : IEventPublisher
{
    private readonly ConcurrentQueue<PortableEvent> _pending = new();
    private readonly List<PortableEvent> _published = [];

    /// <summary>Every event published so far, in order.</summary>
    public IReadOnlyList<PortableEvent> Published
    {
        get
        {
            lock (_published)
            {
                return [.. _published];
            }
        }
    }

    /// <summary>How many published events wait to be delivered.</summary>
    public int PendingCount => _pending.Count;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ids = new string[events.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var @event = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
            ArgumentException.ThrowIfNullOrWhiteSpace(@event.Id, nameof(events));
            lock (_published)
            {
                _published.Add(@event);
            }

            _pending.Enqueue(@event);
            ids[i] = @event.Id;
        }

        return ValueTask.FromResult<IReadOnlyList<string>>(ids);
    }

    /// <summary>Drops every event not yet delivered, as a lost publish would (they stay in <see cref="Published"/>).</summary>
    public void Clear() => _pending.Clear();

    /// <summary>Takes the oldest event not yet delivered.</summary>
    internal bool TryTake(out PortableEvent @event) => _pending.TryDequeue(out @event!);
}
