namespace Portable.Core.Events;

/// <summary>Conveniences over <see cref="IEventPublisher"/>'s one method.</summary>
public static class EventPublisherExtensions
{
    /// <summary>Publishes one event; returns its id on the bus.</summary>
    public static async ValueTask<string> PublishAsync(this IEventPublisher publisher, PortableEvent @event, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(@event);
        var ids = await publisher.PublishAsync([@event], cancellationToken).ConfigureAwait(false);
        return ids.Count == 1
            ? ids[0]
            : throw new InvalidOperationException($"The event publisher returned {ids.Count} ids for one event.");
    }
}
