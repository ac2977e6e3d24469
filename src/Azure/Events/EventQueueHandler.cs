using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using CoreFunction = Portable.Core.Functions.FunctionDefinition;

namespace Portable.Azure.Events;

/// <summary>
/// Content-based routing over Storage queues, for the isolated worker:
/// <list type="bullet">
/// <item><see cref="RouteAsync"/>, the router function on <see cref="EventQueues.RouterQueue"/>: reads the event,
/// matches it against every rule (Core's <see cref="Core.Events.Routing.EventRouter"/>) and forwards the message as it
/// came to each matching rule's queue <c>events-{rule}</c>. A forward that fails fails the invocation, so the host
/// delivers it again (a rule already forwarded to gets a copy, which its function's idempotency absorbs).</item>
/// <item><see cref="DeliverAsync"/>, an event function on its rule's queue: reads the event and runs it through Core's
/// <see cref="EventInvoker"/> — the handler never runs for an event its rule does not match, and runs once per function
/// and event id; a permanent failure is dead-lettered to <c>events-{rule}-poison</c>, a transient one is retried by the
/// host (<c>maxDequeueCount</c>, then the same poison queue).</item>
/// </list>
/// A message that is not an event (bad JSON, a missing field, data that is not an object) goes to its queue's
/// <c>-poison</c> queue at once with the reason logged: no retry can mend it. Should that dead letter fail, the
/// invocation fails and the host's own poison rule is the safety net.
/// </summary>
public sealed partial class EventQueueHandler
{
    private readonly EventInvoker _invoker;
    private readonly IMessagePublisher? _queues;
    private readonly IDeadLetterSink _deadLetters;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    /// <summary>
    /// Creates the handler over the host's engine, publisher (the Storage queues; null without a storage account, when
    /// the router cannot forward and its invocations fail for the host to retry) and dead-letter sink (their
    /// <c>-poison</c> queues).
    /// </summary>
    /// <exception cref="ArgumentException">Two event functions declare the same rule, or a rule's queue name is not valid on Azure.</exception>
    public EventQueueHandler(InvocationEngine engine, IMessagePublisher? queues, IDeadLetterSink deadLetters, TimeProvider time, ILogger<EventQueueHandler> log)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(log);
        _invoker = new EventInvoker(engine, new RuleQueueDeadLetterSink(deadLetters));
        _queues = queues;
        _deadLetters = deadLetters;
        _time = time;
        _log = log;
        foreach (var (_, trigger) in _invoker.Router.Rules)
        {
            _ = EventQueues.OfRule(trigger.Rule); // refuses a rule whose queue could not exist
        }
    }

    /// <summary>
    /// Routes one message of <see cref="EventQueues.RouterQueue"/> (<paramref name="message"/>'s source) to the queues of
    /// the rules that match it. Returns Success when forwarded (or matched by no rule), DeadLetter when it is not an event.
    /// </summary>
    /// <exception cref="Exception">A forward or the dead letter failed: the invocation fails and the host retries it.</exception>
    public async Task<MessageResult> RouteAsync(IncomingMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!QueuedEventReader.TryRead(message.Body, message.EnqueuedAt ?? _time.GetUtcNow(), out var @event, out var error))
        {
            await PoisonAsync(message, error, cancellationToken).ConfigureAwait(false);
            return MessageResult.DeadLetter(error);
        }

        var functions = _invoker.Router.Route(@event);
        if (functions.Count == 0)
        {
            LogUnrouted(_log, @event.Id, @event.Source, @event.DetailType);
            return MessageResult.Success;
        }

        if (_queues is null)
        {
            throw new InvalidOperationException(
                $"Event {@event.Id} cannot be forwarded to its rules' queues: the worker has no storage account (set AzureWebJobsStorage).");
        }

        foreach (var function in functions)
        {
            var queue = EventQueues.OfRule(((EventTrigger)function.Trigger).Rule);
            await _queues.PublishAsync(queue, new OutgoingMessage(message.Body, MessageId: @event.Id), cancellationToken).ConfigureAwait(false);
            LogForwarded(_log, @event.Id, queue, function.Name);
        }

        return MessageResult.Success;
    }

    /// <summary>
    /// Delivers one message of a rule's queue to <paramref name="function"/>, the rule's event function: Success (run,
    /// or skipped as a duplicate or as not matching the rule), DeadLetter (in <c>events-{rule}-poison</c> already) or
    /// Retry (transient: the worker fails the invocation so the host delivers it again).
    /// </summary>
    public async Task<MessageResult> DeliverAsync(CoreFunction function, IncomingMessage message, string? invocationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(message);
        if (!QueuedEventReader.TryRead(message.Body, message.EnqueuedAt ?? _time.GetUtcNow(), out var @event, out var error))
        {
            await PoisonAsync(message, error, cancellationToken).ConfigureAwait(false);
            return MessageResult.DeadLetter(error);
        }

        var delivery = await _invoker.InvokeAsync(function, @event, new InvocationInfo(InvocationId: invocationId), message.DeliveryCount, cancellationToken).ConfigureAwait(false);
        return delivery.Outcome switch
        {
            MessageOutcome.Success => MessageResult.Success,
            MessageOutcome.DeadLetter => MessageResult.DeadLetter(delivery.Reason ?? "Dead-lettered by the handler."),
            _ => MessageResult.Retry(delivery.Reason ?? "The function failed transiently."),
        };
    }

    private async Task PoisonAsync(IncomingMessage message, string error, CancellationToken cancellationToken)
    {
        await _deadLetters.DeadLetterAsync(message, error, cancellationToken).ConfigureAwait(false);
        LogMalformed(_log, message.Id, message.Source, error);
    }

    // Read back by tests/Azure.Tests (Events): keep the wording.
    [LoggerMessage(EventId = 3901, Level = LogLevel.Warning, Message = "Message {MessageId} of {Queue} is not an event and was moved to its poison queue: {Reason}")]
    private static partial void LogMalformed(ILogger logger, string messageId, string queue, string reason);

    [LoggerMessage(EventId = 3902, Level = LogLevel.Information, Message = "Event {EventId} forwarded to {Queue} for {FunctionName}")]
    private static partial void LogForwarded(ILogger logger, string eventId, string queue, string functionName);

    [LoggerMessage(EventId = 3903, Level = LogLevel.Information, Message = "Event {EventId} ({Source} / {DetailType}) matched no rule")]
    private static partial void LogUnrouted(ILogger logger, string eventId, string source, string detailType);
}
