using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Local.Queues;

namespace Portable.Local.Events;

/// <summary>
/// The local host's event bus, durable as its queues are: a published event is matched against every rule of the
/// manifest (<see cref="EventRouter"/>, the same matcher every host uses) and one delivery per matching function is
/// enqueued on the SQLite queue named after the function's rule, all of an event's deliveries in one transaction.
/// <see cref="LocalEventWorker"/> then delivers each through Core's <see cref="Core.Invocation.EventInvoker"/> with
/// the local queue's retries and dead letters, so a killed process loses no event. An event no rule matches is
/// dropped, as EventBridge drops it. The bus keeps the event's own id; its <see cref="PortableEvent.Attributes"/>
/// travel with each delivery (<see cref="PortableEvent.Subject"/>, which EventBridge has no field for, does not).
/// </summary>
public sealed class LocalEventBus : IEventPublisher
{
    private readonly SqliteMessageQueue _queue;
    private readonly QueueSignal _signal;

    /// <summary>Creates the bus for the event functions of <paramref name="manifest"/>.</summary>
    /// <exception cref="ArgumentException">
    /// Two functions declare one rule, or a rule has the name of a queue a queue function consumes: both would share one
    /// local queue (and one dead-letter queue, <c>{name}-dlq</c>, on AWS).
    /// </exception>
    public LocalEventBus(FunctionManifest manifest, SqliteMessageQueue queue, QueueSignal signal)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(signal);
        Router = new EventRouter(manifest);
        foreach (var (function, trigger) in Router.Rules)
        {
            foreach (var (consumer, queueTrigger) in manifest.FunctionsOf<QueueTrigger>())
            {
                if (string.Equals(queueTrigger.Queue, trigger.Rule, StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"Rule '{trigger.Rule}' of '{function.Name}' has the name of the queue '{consumer.Name}' consumes; the local host keeps a rule's deliveries on a queue of the rule's name, so rename one of them.",
                        nameof(manifest));
                }
            }
        }

        _queue = queue;
        _signal = signal;
    }

    /// <summary>The routing over the manifest's event functions.</summary>
    public EventRouter Router { get; }

    /// <summary>The local queue that holds the deliveries of <paramref name="trigger"/>'s rule: the rule's name.</summary>
    public static string QueueOf(EventTrigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        return trigger.Rule;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">An event has no id, or its deliveries would exceed the local queue's message limit.</exception>
    public async ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var deliveries = new List<(string Destination, OutgoingMessage Message)>();
        var ids = new string[events.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var @event = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
            ArgumentException.ThrowIfNullOrWhiteSpace(@event.Id, nameof(events));
            ids[i] = @event.Id;
            var functions = Router.Route(@event);
            if (functions.Count == 0)
            {
                continue;
            }

            var envelope = @event.ToEnvelopeUtf8();
            if (envelope.Length > Core.Messaging.DeliveryProfile.Local.MaxPayloadBytes)
            {
                throw new ArgumentException($"Event '{@event.Id}' is {envelope.Length} bytes as an EventBridge event; the local bus takes at most {Core.Messaging.DeliveryProfile.Local.MaxPayloadBytes}.", nameof(events));
            }

            foreach (var function in functions)
            {
                deliveries.Add((QueueOf((EventTrigger)function.Trigger), new OutgoingMessage(envelope, @event.Attributes, @event.Id)));
            }
        }

        await _queue.PublishAllAsync(deliveries, cancellationToken).ConfigureAwait(false);
        foreach (var destination in deliveries.Select(d => d.Destination).Distinct(StringComparer.Ordinal))
        {
            _signal.Notify(destination);
        }

        return ids;
    }
}
