namespace Portable.Core.Events;

/// <summary>
/// The event publishing port: puts events on the host's event bus, where each rule of the manifest routes them to
/// its function. One implementation per bus — EventBridge <c>PutEvents</c> on AWS, the local host's durable bus — and
/// an unconfigured default that refuses. Delivery is at least once: a retried publish can deliver an event twice, and
/// a bus that assigns its own ids (EventBridge does) gives the copy a new id, so a handler that must not act twice
/// keys its idempotency on the event's content (<see cref="EventTriggerOptions.IdempotencyKey"/>).
/// </summary>
public interface IEventPublisher
{
    /// <summary>
    /// Publishes <paramref name="events"/> in order and returns the id each has on the bus, in the same order (the
    /// event's own <see cref="PortableEvent.Id"/> where the bus keeps it, the bus's id where it assigns one).
    /// Returns only once every event is accepted; throws when any is not.
    /// </summary>
    ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default);
}
