using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Portable.Core.Events;
using Portable.Core.Messaging;

namespace Portable.Gcp.Messaging;

/// <summary>
/// Core's event publishing port on Google: each <see cref="PortableEvent"/> is one Pub/Sub message on the app's event
/// topic (<see cref="PubSubEventPublisherOptions.Topic"/>), published through <see cref="PubSubPublisher"/>
/// (<c>projects.topics.publish</c>, metadata-server token). The message's data is the event's EventBridge envelope
/// (<see cref="PortableEvent.WriteEnvelope"/>), so the event keeps its own id, time and resources across the bus and
/// the receiving host matches rules against exactly what EventBridge would. Its attributes carry <c>source</c> and
/// <c>detail-type</c> (which an Eventarc or Pub/Sub subscription filter can match exactly), the W3C
/// <c>traceparent</c> (the event's own, else the current activity's) and the event's other attributes. Every Eventarc
/// trigger of the app listens on this topic (one per rule, <c>deploy/gcp/eventarc-triggers.sh</c>); the rule's
/// pattern is applied by the receiving host. Events are published one message each, in order.
/// </summary>
public sealed class PubSubEventPublisher : IEventPublisher
{
    /// <summary>The attribute holding the event's source.</summary>
    public const string SourceAttribute = "source";

    /// <summary>The attribute holding the event's detail-type.</summary>
    public const string DetailTypeAttribute = "detail-type";

    /// <summary>The W3C trace context attribute (W3C Trace Context, as eShop's event bus carries it).</summary>
    public const string TraceParentAttribute = "traceparent";

    /// <summary>Pub/Sub's largest message, 10 MB (cloud.google.com/pubsub/quotas, "Message size").</summary>
    public const int MaxMessageBytes = 10_000_000;

    private readonly IMessagePublisher _pubSub;
    private readonly PubSubEventPublisherOptions _options;

    /// <summary>Publishes through <paramref name="pubSub"/> (the host's <see cref="PubSubPublisher"/>) to the topic of <paramref name="options"/>.</summary>
    public PubSubEventPublisher(IMessagePublisher pubSub, PubSubEventPublisherOptions options)
    {
        ArgumentNullException.ThrowIfNull(pubSub);
        ArgumentNullException.ThrowIfNull(options);
        _pubSub = pubSub;
        _options = options;
    }

    /// <summary>The topic events go to.</summary>
    public string Topic => _options.Topic;

    /// <summary>The Pub/Sub message for <paramref name="event"/>: its envelope as data, its routing fields and trace context as attributes.</summary>
    public static OutgoingMessage ToMessage(PortableEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var attributes = new Dictionary<string, string>(@event.Attributes, StringComparer.Ordinal)
        {
            [SourceAttribute] = @event.Source,
            [DetailTypeAttribute] = @event.DetailType,
        };
        if (!attributes.ContainsKey(TraceParentAttribute) && Activity.Current is { IdFormat: ActivityIdFormat.W3C, Id: { } traceParent })
        {
            attributes[TraceParentAttribute] = traceParent;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            @event.WriteEnvelope(writer);
        }

        return new OutgoingMessage(buffer.WrittenMemory.ToArray(), attributes, @event.Id);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Returns each event's own <see cref="PortableEvent.Id"/>: it travels in the envelope, and the receiving host
    /// deduplicates by it, so a publish retried after a lost answer delivers a copy that runs once.
    /// </remarks>
    /// <exception cref="ArgumentException">An event's message is larger than <see cref="MaxMessageBytes"/>; it and the events after it were not sent.</exception>
    public async ValueTask<IReadOnlyList<string>> PublishAsync(IReadOnlyList<PortableEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var ids = new string[events.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            var @event = events[i] ?? throw new ArgumentException($"Event {i} of the batch is null.", nameof(events));
            var message = ToMessage(@event);
            if (message.Body.Length > MaxMessageBytes)
            {
                throw new ArgumentException(
                    $"Event {i} ('{@event.Id}', {@event.Source} / {@event.DetailType}) is {message.Body.Length} bytes as a Pub/Sub message; Pub/Sub takes at most {MaxMessageBytes}. Store a large payload in Cloud Storage and put a reference to it in the detail.",
                    nameof(events));
            }

            await _pubSub.PublishAsync(_options.Topic, message, cancellationToken).ConfigureAwait(false);
            ids[i] = @event.Id;
        }

        return ids;
    }
}
