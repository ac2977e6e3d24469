using Portable.Core.Events;
using Portable.Core.Messaging;

namespace Portable.Azure.Events;

/// <summary>
/// Core's event bus port on Azure: each event's EventBridge envelope (<see cref="PortableEvent.WriteEnvelope"/>) goes
/// to the Storage queue <see cref="EventQueues.RouterQueue"/>, where the router function matches it against every rule
/// and forwards it to the rule queues. Event Grid's publishing client and trigger extension are not served, so the
/// Storage queue is the bus; an Event Grid topic (deploy/azure/event-grid.bicep) delivers to the same rule queues. The
/// event keeps its own id, which is what each function's idempotency is keyed on. The envelope carries no
/// <see cref="PortableEvent.Subject"/> or <see cref="PortableEvent.Attributes"/>, as on EventBridge.
/// </summary>
public sealed class StorageQueueEventPublisher : IEventPublisher
{
    private readonly IMessagePublisher _queues;

    /// <summary>Publishes through <paramref name="queues"/> (a <see cref="Messaging.StorageQueuePublisher"/>).</summary>
    public StorageQueueEventPublisher(IMessagePublisher queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queues = queues;
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ids = new string[events.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var @event = events[i] ?? throw new ArgumentException($"Event {i} is null.", nameof(events));
            await _queues.PublishAsync(EventQueues.RouterQueue, new OutgoingMessage(@event.ToEnvelopeUtf8(), MessageId: @event.Id), cancellationToken).ConfigureAwait(false);
            ids[i] = @event.Id;
        }

        return ids;
    }
}
