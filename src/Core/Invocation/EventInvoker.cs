using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Invocation;

/// <summary>
/// The event front door of the <see cref="InvocationEngine"/>: runs one routed event through an event function, or
/// through every function whose rule matches it, and settles each as a message is settled — success, retry
/// (transient: the platform delivers it again) or dead-letter (permanent: sent at once through the dead-letter sink,
/// the event's EventBridge envelope as the body). A function never runs for an event its rule does not match, so an
/// adapter whose platform filters less precisely (Eventarc's exact attribute filters) can deliver what it gets.
/// </summary>
public sealed partial class EventInvoker
{
    private readonly InvocationEngine _engine;
    private readonly IDeadLetterSink _deadLetters;
    private readonly MessageResultSettler _settler;

    /// <summary>Creates the front door a host keeps for its whole life.</summary>
    /// <exception cref="ArgumentException">Two event functions declare the same rule name.</exception>
    public EventInvoker(InvocationEngine engine, IDeadLetterSink deadLetters)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(deadLetters);
        _engine = engine;
        _deadLetters = deadLetters;
        var log = engine.Log;
        _settler = new MessageResultSettler("event", null, (context, exception) => LogTransient(log, exception, ((PortableEvent)context.Input).Id, context.FunctionName, context.DeliveryCount));
        Router = new EventRouter(engine.Manifest);
    }

    /// <summary>The functions this host serves.</summary>
    public FunctionManifest Manifest => _engine.Manifest;

    /// <summary>The routing over this host's event functions.</summary>
    public EventRouter Router { get; }

    /// <summary>The event function named <paramref name="name"/>; throws a clear error when there is none.</summary>
    public FunctionDefinition GetFunction(string name) =>
        Manifest.Find<EventTrigger>(name)?.Function
        ?? throw new ArgumentException($"'{name}' is not an event function in the manifest.", nameof(name));

    /// <summary>
    /// Delivers <paramref name="event"/> to <paramref name="function"/>, as the platform's rule or trigger for it does.
    /// An event the function's rule does not match is acknowledged without running it. Never throws for a handler's fault.
    /// </summary>
    /// <param name="function">An event function of <see cref="Manifest"/>.</param>
    /// <param name="event">The event.</param>
    /// <param name="info">What the platform said about the invocation.</param>
    /// <param name="deliveryCount">How often the platform has delivered this event, counting this time.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    public async ValueTask<EventDelivery> InvokeAsync(
        FunctionDefinition function, PortableEvent @event, InvocationInfo info, int deliveryCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentOutOfRangeException.ThrowIfLessThan(deliveryCount, 1);
        var trigger = function.Trigger as EventTrigger
            ?? throw new ArgumentException($"Function '{function.Name}' is not event-triggered.", nameof(function));
        var envelope = @event.ToEnvelopeUtf8();
        if (!trigger.Pattern.Matches(envelope))
        {
            LogSkipped(_engine.Log, @event.Id, function.Name, trigger.Rule);
            return new EventDelivery(function.Name, MessageOutcome.Success, $"Not run: the event does not match rule '{trigger.Rule}'.");
        }

        return await DeliverAsync(function, trigger, @event, envelope, info, deliveryCount, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers <paramref name="event"/> to every function whose rule matches it, one after another in declaration
    /// order, as an event bus does; one function's failure does not keep the event from the others. Returns one
    /// delivery per matched function (none when no rule matches). Never throws for a handler's fault.
    /// </summary>
    public async ValueTask<IReadOnlyList<EventDelivery>> RouteAsync(
        PortableEvent @event, InvocationInfo info, int deliveryCount = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(@event);
        ArgumentOutOfRangeException.ThrowIfLessThan(deliveryCount, 1);
        var functions = Router.Route(@event);
        if (functions.Count == 0)
        {
            LogUnrouted(_engine.Log, @event.Id, @event.Source, @event.DetailType);
            return [];
        }

        var envelope = @event.ToEnvelopeUtf8();
        var deliveries = new EventDelivery[functions.Count];
        for (var i = 0; i < deliveries.Length; i++)
        {
            deliveries[i] = await DeliverAsync(
                functions[i], (EventTrigger)functions[i].Trigger, @event, envelope, info, deliveryCount, cancellationToken).ConfigureAwait(false);
        }

        return deliveries;
    }

    private async ValueTask<EventDelivery> DeliverAsync(
        FunctionDefinition function, EventTrigger trigger, PortableEvent @event, byte[] envelope, InvocationInfo info, int deliveryCount, CancellationToken hostToken)
    {
        var eventInfo = info with
        {
            InvocationId = info.InvocationId is { } id ? $"{id}/{@event.Id}" : @event.Id,
            TraceParent = @event.Attributes.GetValueOrDefault("traceparent") ?? info.TraceParent,
        };
        var result = await _engine.InvokeAsync<MessageResult, MessageResultSettler>(
            function, @event, eventInfo, deliveryCount, feature: null, _settler, hostToken).ConfigureAwait(false);
        if (result.Outcome != MessageOutcome.DeadLetter)
        {
            return new EventDelivery(function.Name, result.Outcome, result.Reason);
        }

        var reason = result.Reason ?? "Dead-lettered by the handler.";
        var letter = new IncomingMessage
        {
            Id = @event.Id,
            Body = envelope,
            Source = trigger.Rule,
            Attributes = @event.Attributes,
            DeliveryCount = deliveryCount,
            EnqueuedAt = @event.Time,
        };
        if (await DeadLetterStep.TrySendAsync(_deadLetters, letter, reason, function.Name, hostToken).ConfigureAwait(false) is { } failure)
        {
            LogDeadLetterFailed(_engine.Log, failure, @event.Id, function.Name);
            return new EventDelivery(function.Name, MessageOutcome.Retry, DeadLetterStep.CouldNotReason(reason, failure));
        }

        LogDeadLettered(_engine.Log, @event.Id, function.Name, reason);
        return new EventDelivery(function.Name, MessageOutcome.DeadLetter, reason);
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Warning, Message = "Event {EventId} failed in {FunctionName} (delivery {DeliveryCount}); it will be retried")]
    private static partial void LogTransient(ILogger logger, Exception exception, string eventId, string functionName, int deliveryCount);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Warning, Message = "Event {EventId} dead-lettered by {FunctionName}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string eventId, string functionName, string reason);

    [LoggerMessage(EventId = 8003, Level = LogLevel.Error, Message = "Event {EventId} of {FunctionName} could not be dead-lettered; it will be retried")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string eventId, string functionName);

    [LoggerMessage(EventId = 8004, Level = LogLevel.Debug, Message = "Event {EventId} not run by {FunctionName}: rule {Rule} does not match it")]
    private static partial void LogSkipped(ILogger logger, string eventId, string functionName, string rule);

    [LoggerMessage(EventId = 8005, Level = LogLevel.Information, Message = "Event {EventId} ({Source} / {DetailType}) matched no rule")]
    private static partial void LogUnrouted(ILogger logger, string eventId, string source, string detailType);
}
