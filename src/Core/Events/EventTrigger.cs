using System.Diagnostics;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Events;

/// <summary>
/// A function triggered by events its routing rule matches: an EventBridge rule on AWS, an Eventarc trigger on
/// Google, an Event Grid subscription on Azure, a subscription of the local bus. The rule is an EventBridge event
/// pattern matched against the event's envelope (<see cref="PortableEvent.WriteEnvelope"/>).
/// </summary>
/// <param name="Rule">The rule's name: lower-case letters, digits and dashes, valid as an EventBridge rule, Eventarc trigger and Event Grid subscription.</param>
/// <param name="Pattern">Which events the rule routes to the function.</param>
/// <param name="BindHandler">Resolves the handler for one event from a host's services, once per host.</param>
public sealed record EventTrigger(string Rule, EventPattern Pattern, Func<IServiceProvider, PortableEventHandler> BindHandler) : FunctionTrigger
{
    /// <inheritdoc />
    public override string Kind => "pubsub";

    /// <inheritdoc />
    public override ActivityKind ActivityKind => ActivityKind.Consumer;

    /// <summary>How the function takes its events: its idempotency key, or idempotency off.</summary>
    public EventTriggerOptions Options { get; init; } = new();

    /// <summary>Whether the rule routes <paramref name="event"/> to this function.</summary>
    public bool Matches(PortableEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return Pattern.Matches(@event.ToEnvelopeUtf8());
    }

    /// <inheritdoc />
    public override FunctionExecutionDelegate Bind(IServiceProvider services)
    {
        var handler = BindHandler(services);
        return context => SetResultAsync(context, handler((PortableEvent)context.Input, context, context.CancellationToken));
    }

    /// <inheritdoc />
    public override void Tag(Activity activity, FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(context);
        // OpenTelemetry's CloudEvents attributes describe the event whichever cloud carried it.
        activity.SetTag("messaging.destination.name", Rule);
        if (context.Input is PortableEvent e)
        {
            activity.SetTag("messaging.message.id", e.Id);
            activity.SetTag("cloudevents.event_id", e.Id);
            activity.SetTag("cloudevents.event_source", e.Source);
            activity.SetTag("cloudevents.event_type", e.DetailType);
            activity.SetTag("cloudevents.event_subject", e.Subject);
            activity.SetTag("messaging.message.delivery_count", context.DeliveryCount);
        }
    }
}
