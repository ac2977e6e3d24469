using System.Text.Json;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Patterns.Choreography;

/// <summary>
/// A saga with no orchestrator: each handler is an event function reacting to its trigger event (see
/// <see cref="SagaEventMap"/>) and publishing, through <see cref="IEventPublisher"/>, the fact of how it ended plus
/// whatever event calls for what the saga does next — the next step's trigger, a compensation's request, or the
/// saga's end. The state machine is the orchestrated saga's own: each handler runs through
/// <see cref="SagaExecutor.RunAndRecordAsync"/>, so its result is folded into the stored saga state by
/// <see cref="SagaEvaluator.Record"/> with a conditional write, and <c>GET</c> on the saga shows the same history as
/// under an orchestrator. What keeps it exactly-once over at-least-once buses:
/// <list type="bullet">
/// <item>Each function's idempotency key is the saga id and the event type (<see cref="IdempotencyKey"/>), a claim
/// in the state store; a bus that gives a republished copy a new id (EventBridge does) cannot make it run twice.</item>
/// <item>An event for a handler the saga is not waiting for (a late copy, a stale event after the reconciler gave up)
/// is acknowledged without running anything; when the handler is the saga's latest record, the events after it are
/// published again, which heals a delivery that died between recording and publishing.</item>
/// <item>A transient result is retried in the same delivery, after the step policy's backoff (the waits are
/// seconds), so a retry never depends on how a bus redelivers.</item>
/// <item>An event whose chain broke (lost) leaves the saga unfinished; the reconciler gives up on it and calls
/// <see cref="StartAsync"/>, which publishes the request for what the saga does next.</item>
/// </list>
/// </summary>
public sealed class SagaChoreography : ISagaStarter
{
    // Enough for every duplicate of one step to take its turn, and for a step's attempts.
    private const int MaxRounds = 100;

    private readonly SagaExecutor _executor;
    private readonly IEventPublisher _publisher;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the choreography of <paramref name="executor"/>'s saga with the events of <paramref name="events"/>.</summary>
    public SagaChoreography(SagaExecutor executor, SagaEventMap events, IEventPublisher publisher, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (!ReferenceEquals(executor.Definition, events.Definition))
        {
            throw new ArgumentException($"The events are for saga '{events.Definition.Name}', the executor runs '{executor.Definition.Name}'.", nameof(events));
        }

        _executor = executor;
        _publisher = publisher;
        _timeProvider = timeProvider;
        Events = events;
    }

    /// <summary>The saga's events.</summary>
    public SagaEventMap Events { get; }

    /// <summary>The saga id an event's detail names (<see cref="SagaEventMap.IdField"/>), or null when it names none.</summary>
    public static string? SagaIdOf(PortableEvent @event, string idField)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return @event.Detail.ValueKind == JsonValueKind.Object
            && @event.Detail.TryGetProperty(idField, out var id)
            && id.ValueKind == JsonValueKind.String
            && id.GetString() is { Length: > 0 } value
                ? value
                : null;
    }

    /// <summary>
    /// The idempotency key of a handler's function: <c>{saga id}/{event type}</c>, the same for every copy of one
    /// event whatever id the bus gave it; null (the event id is used) for an event without a saga id, which the
    /// handler dead-letters.
    /// </summary>
    public static string? IdempotencyKey(PortableEvent @event, string idField)
    {
        ArgumentNullException.ThrowIfNull(@event);
        return SagaIdOf(@event, idField) is { } id ? $"{id}/{@event.DetailType}" : null;
    }

    /// <summary>
    /// What <see cref="DeliveryTimeout"/> adds to a handler's attempts and waits: reading the saga, recording each
    /// result with a conditional write and publishing what follows (the same backstop the Step Functions export puts
    /// above a step's timeout).
    /// </summary>
    public static readonly TimeSpan DeliveryBackstop = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The longest one delivery of <paramref name="handler"/>'s function may take, since a transient result is retried
    /// within the delivery: every attempt its step's timeout, the waits between the attempts, and
    /// <see cref="DeliveryBackstop"/>. A platform that stops the function sooner (Lambda's default 30 s) cuts a step off
    /// between attempts, and the bus's redelivery finds the event's idempotency claim still held.
    /// </summary>
    /// <exception cref="ArgumentException">The saga has no such handler.</exception>
    public static TimeSpan DeliveryTimeout(SagaDefinition definition, string handler)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (!definition.TryFindHandler(handler, out var step, out _))
        {
            throw new ArgumentException($"Saga '{definition.Name}' has no handler '{handler}'.", nameof(handler));
        }

        var total = step.Timeout * step.Retry.MaxAttempts + DeliveryBackstop;
        for (var made = 1; made < step.Retry.MaxAttempts; made++)
        {
            total += step.Retry.DelayAfter(made);
        }

        return total;
    }

    /// <summary>Publishes the event calling for what saga <paramref name="sagaId"/> does next (its first step's trigger for a new saga); nothing when it has ended.</summary>
    public async ValueTask StartAsync(string sagaId, CancellationToken cancellationToken)
    {
        var instance = await _executor.Repository.LoadAsync(sagaId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Saga '{Events.Definition.Name}/{sagaId}' is not stored.");
        var next = SagaEvaluator.Next(Events.Definition, instance.State);
        if (next.Kind == SagaDecisionKind.Run)
        {
            await _publisher.PublishAsync([Event(Events.TriggerOf(next.Step!), sagaId, null)], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The event handler of <paramref name="handler"/>'s function.</summary>
    /// <exception cref="ArgumentException">The saga has no such handler.</exception>
    public PortableEventHandler HandlerFor(string handler)
    {
        if (!Events.Definition.TryFindHandler(handler, out _, out var phase))
        {
            throw new ArgumentException($"Saga '{Events.Definition.Name}' has no handler '{handler}'.", nameof(handler));
        }

        return (@event, _, cancellationToken) => HandleAsync(handler, phase, @event, cancellationToken);
    }

    private async ValueTask<MessageResult> HandleAsync(string handler, SagaPhase phase, PortableEvent @event, CancellationToken cancellationToken)
    {
        if (SagaIdOf(@event, Events.IdField) is not { } sagaId)
        {
            return MessageResult.DeadLetter($"The event '{@event.DetailType}' has no string '{Events.IdField}' in its detail.");
        }

        for (var round = 0; round < MaxRounds; round++)
        {
            var instance = await _executor.Repository.LoadAsync(sagaId, cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                return MessageResult.DeadLetter($"Saga '{Events.Definition.Name}/{sagaId}' is not stored.");
            }

            var decision = SagaEvaluator.Next(Events.Definition, instance.State);
            if (!SagaExecutor.IsFor(decision, handler, phase))
            {
                if (IsLatest(instance.State, handler, phase))
                {
                    // Recorded by a delivery that may have died before it published what follows: publish it (again).
                    await PublishAfterAsync(instance.State, cancellationToken).ConfigureAwait(false);
                }

                return MessageResult.Success;
            }

            var (_, saved) = await _executor.RunAndRecordAsync(instance, decision, cancellationToken).ConfigureAwait(false);
            if (saved is null)
            {
                // Another writer came first (a racing copy, or this delivery's own write whose answer was lost): look again.
                continue;
            }

            if (saved.State.Current is { } current && current.Step == handler && current.Phase == phase)
            {
                continue; // transient: the next round runs the next attempt once its backoff has passed
            }

            await PublishAfterAsync(saved.State, cancellationToken).ConfigureAwait(false);
            return MessageResult.Success;
        }

        return MessageResult.Retry($"Saga '{Events.Definition.Name}/{sagaId}' kept changing under {MaxRounds} conditional writes.");
    }

    // The events after the saga's latest record: its fact, then the trigger of what runs next or the saga's end.
    private async ValueTask PublishAfterAsync(SagaState state, CancellationToken cancellationToken)
    {
        var last = state.Steps[^1];
        var fact = Events.OutcomeOf(last.Step, last.Outcome);
        var events = new List<PortableEvent>(2) { Event(fact, state.SagaId, last) };
        var next = SagaEvaluator.Next(Events.Definition, state);
        if (next.Kind == SagaDecisionKind.Run)
        {
            var trigger = Events.TriggerOf(next.Step!);
            if (trigger != fact)
            {
                events.Add(Event(trigger, state.SagaId, null));
            }
        }
        else
        {
            events.Add(Finished(state.SagaId, next.Status, next.Reason));
        }

        await _publisher.PublishAsync(events, cancellationToken).ConfigureAwait(false);
    }

    // Each detail is made from the saga state alone, so a copy published again is the same event (the idempotency
    // middleware compares payloads): {id}, plus the handler's outcome on a fact.
    private PortableEvent Event(string type, string sagaId, SagaStepRecord? record) => new()
    {
        Id = SortableId.New(_timeProvider),
        Source = Events.Source,
        DetailType = type,
        Time = _timeProvider.GetUtcNow(),
        Detail = Detail(writer =>
        {
            writer.WriteString(Events.IdField, sagaId);
            if (record is not null)
            {
                writer.WriteString("step", record.Step);
                writer.WriteString("outcome", record.Outcome == SagaStepOutcome.Succeeded ? "succeeded" : "failed");
                writer.WriteNumber("attempts", record.Attempts);
                if (record.Reason is { } reason)
                {
                    writer.WriteString("reason", reason);
                }
            }
        }),
    };

    private PortableEvent Finished(string sagaId, SagaStatus status, string? reason) => new()
    {
        Id = SortableId.New(_timeProvider),
        Source = Events.Source,
        DetailType = Events.FinishedWith(status),
        Time = _timeProvider.GetUtcNow(),
        Detail = Detail(writer =>
        {
            writer.WriteString(Events.IdField, sagaId);
            writer.WriteString("status", status.ToString().ToLowerInvariant()); // as SagaStatus is written
            if (reason is not null)
            {
                writer.WriteString("reason", reason);
            }
        }),
    };

    private static JsonElement Detail(Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    // True when the handler's final result is the last thing the saga recorded.
    private static bool IsLatest(SagaState state, string handler, SagaPhase phase) =>
        state.Current is null && state.Steps.Count > 0 && state.Steps[^1] is var last && last.Step == handler && last.Phase == phase;
}
