using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Sagas;

/// <summary>
/// Portable's own saga coordinator, queue-driven, for any host: each message is one <see cref="SagaStepRequest"/>;
/// the function that receives it runs that handler (through <see cref="SagaExecutor"/>, so the result is recorded
/// with a conditional write), then publishes the request for whatever the saga does next. Starting a saga publishes
/// the request for its first step. What keeps it exactly-once under at-least-once queues:
/// <list type="bullet">
/// <item>A message for anything other than what the saga waits for — a duplicate, a delivery after its result was
/// recorded — is acknowledged without running anything, and only the delivery whose record landed publishes the next
/// request, so duplicates die out instead of forking the saga.</item>
/// <item>A process killed after recording a step but before publishing the next request is healed by the
/// redelivery: it finds its own step as the saga's latest record and publishes the next request again.</item>
/// <item>A delivery whose conditional write lost — to a racing delivery, or to its own first attempt whose answer was
/// lost, which a retry meets as a conflict — reads the saga again: it publishes the next request when its step is the
/// latest record (at worst one duplicate, which dies out), and asks for redelivery when its step is still to run.</item>
/// <item>Each handler is idempotent by (saga, step, phase) (<see cref="IdempotentSagaStep"/>), so a step run twice
/// by racing deliveries takes effect once.</item>
/// <item>A retry's backoff is waited out by the delivery that runs it (the policies' waits are seconds).</item>
/// </list>
/// </summary>
public sealed class SagaCoordinator : ISagaStarter, IMessageFunction
{
    private readonly SagaExecutor _executor;
    private readonly IMessagePublisher _publisher;

    /// <summary>Creates the coordinator of <paramref name="executor"/>'s saga, publishing its step requests to <paramref name="queue"/>.</summary>
    public SagaCoordinator(SagaExecutor executor, IMessagePublisher publisher, string queue)
    {
        ArgumentNullException.ThrowIfNull(executor);
        ArgumentNullException.ThrowIfNull(publisher);
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        _executor = executor;
        _publisher = publisher;
        Queue = queue;
    }

    /// <summary>The queue its step requests travel on.</summary>
    public string Queue { get; }

    /// <inheritdoc />
    public async ValueTask StartAsync(string sagaId, CancellationToken cancellationToken)
    {
        var instance = await _executor.Repository.LoadAsync(sagaId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"Saga '{_executor.Definition.Name}/{sagaId}' is not stored.");
        await PublishNextAsync(instance.State, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<MessageResult> HandleAsync(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!SagaStepRequest.TryParse(message.Body.Span, _executor.Definition, out var request, out var error))
        {
            return MessageResult.DeadLetter(error);
        }

        var instance = await _executor.Repository.LoadAsync(request.SagaId, cancellationToken).ConfigureAwait(false);
        if (instance is null)
        {
            return MessageResult.DeadLetter($"Saga '{_executor.Definition.Name}/{request.SagaId}' is not stored.");
        }

        var decision = SagaEvaluator.Next(_executor.Definition, instance.State);
        if (!SagaExecutor.IsFor(decision, request.Step, request.Phase) || decision.Attempt != request.Attempt)
        {
            if (IsLatest(instance.State, request))
            {
                // Recorded by a delivery that died before it published what comes next.
                await PublishNextAsync(instance.State, cancellationToken).ConfigureAwait(false);
            }

            return MessageResult.Success;
        }

        var (_, saved) = await _executor.RunAndRecordAsync(instance, decision, cancellationToken).ConfigureAwait(false);
        if (saved is null)
        {
            return await AfterLostWriteAsync(request, cancellationToken).ConfigureAwait(false);
        }

        await PublishNextAsync(saved.State, cancellationToken).ConfigureAwait(false);
        return MessageResult.Success;
    }

    // A conditional write of this delivery lost: to a racing delivery, or to its own first attempt, whose answer was
    // lost before a retry met it as a conflict (ResilientStateStore) — then nobody else publishes what comes next.
    // When the request's result is the saga's latest record, publish the next request (a racing delivery may publish
    // it too: one duplicate, which dies out); when the saga still waits for this request, nothing of it was recorded
    // (only the status, say), so the queue delivers it again; otherwise the saga has moved on.
    private async ValueTask<MessageResult> AfterLostWriteAsync(SagaStepRequest request, CancellationToken cancellationToken)
    {
        var current = await _executor.Repository.LoadAsync(request.SagaId, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            return MessageResult.Success;
        }

        if (IsLatest(current.State, request))
        {
            await PublishNextAsync(current.State, cancellationToken).ConfigureAwait(false);
            return MessageResult.Success;
        }

        var decision = SagaEvaluator.Next(_executor.Definition, current.State);
        return SagaExecutor.IsFor(decision, request.Step, request.Phase) && decision.Attempt == request.Attempt
            ? MessageResult.Retry($"Saga '{_executor.Definition.Name}/{request.SagaId}' changed before {request.Step} ran; it is still to run.")
            : MessageResult.Success;
    }

    private async ValueTask PublishNextAsync(SagaState state, CancellationToken cancellationToken)
    {
        var next = SagaEvaluator.Next(_executor.Definition, state);
        if (next.Kind == SagaDecisionKind.Run)
        {
            var request = SagaStepRequest.For(_executor.Definition, state.SagaId, next);
            await _publisher.PublishAsync(Queue, new OutgoingMessage(request.ToJson()), cancellationToken).ConfigureAwait(false);
        }
    }

    // True when the request's handler and attempt are the last thing the saga recorded.
    private static bool IsLatest(SagaState state, SagaStepRequest request)
    {
        if (state.Current is { } current)
        {
            return current.Step == request.Step && current.Phase == request.Phase && current.Attempts == request.Attempt;
        }

        return state.Steps.Count > 0 && state.Steps[^1] is var last
            && last.Step == request.Step && last.Phase == request.Phase && last.Attempts == request.Attempt;
    }
}
