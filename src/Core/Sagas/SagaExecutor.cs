namespace Portable.Core.Sagas;

/// <summary>
/// Runs one handler of a stored saga at a time and records what it came to, following <see cref="SagaEvaluator"/>:
/// what an orchestrator's call to a step function does on every host (a Step Functions Task, a Workflows call, a
/// coordinator's message). A request for the handler the saga waits for runs it within its step's timeout and stores
/// the result with a conditional write; any other request (a duplicate, a stale retry) gets the recorded outcome
/// without running anything, so a redelivered step never does its work twice.
/// </summary>
public sealed class SagaExecutor
{
    // Enough for every duplicate of one step to take its turn; past it the saga is too contended to go on now.
    private const int MaxRounds = 100;

    private readonly SagaRunner _runner;
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an executor.</summary>
    /// <param name="definition">The saga.</param>
    /// <param name="handlers">A handler for every name in <see cref="SagaDefinition.HandlerNames"/>.</param>
    /// <param name="repository">Where its instances are stored.</param>
    /// <param name="timeProvider">The clock for timeouts, waits and the time of each record.</param>
    /// <param name="wait">Waits until a retry is due; by default a delay on <paramref name="timeProvider"/>.</param>
    public SagaExecutor(SagaDefinition definition, IReadOnlyDictionary<string, ISagaStep> handlers, ISagaRepository repository, TimeProvider timeProvider, Func<TimeSpan, CancellationToken, Task>? wait = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(repository);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _runner = new SagaRunner(definition, handlers, timeProvider, wait);
        Definition = definition;
        Repository = repository;
        _timeProvider = timeProvider;
        Wait = wait ?? ((delay, ct) => Task.Delay(delay, timeProvider, ct));
    }

    /// <summary>The saga.</summary>
    public SagaDefinition Definition { get; }

    /// <summary>Where its instances are stored.</summary>
    public ISagaRepository Repository { get; }

    /// <summary>Waits until a retry is due.</summary>
    public Func<TimeSpan, CancellationToken, Task> Wait { get; }

    /// <summary>
    /// Runs the handler <paramref name="request"/> names if the saga is waiting for it, and records the result;
    /// otherwise answers what was recorded for it. A saga that is not stored, or that waits for another handler which
    /// this one has never run before, is answered as a permanent failure naming the mismatch.
    /// </summary>
    public async ValueTask<SagaStepResult> RunAsync(SagaStepRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        for (var round = 0; round < MaxRounds; round++)
        {
            var instance = await Repository.LoadAsync(request.SagaId, cancellationToken).ConfigureAwait(false);
            if (instance is null)
            {
                return SagaStepResult.Failed($"Saga '{Definition.Name}/{request.SagaId}' is not stored.");
            }

            var decision = SagaEvaluator.Next(Definition, instance.State);
            if (!IsFor(decision, request.Step, request.Phase))
            {
                return RecordedOutcome(instance.State, request.Step, request.Phase) ?? SagaStepResult.Failed(NotWaitingFor(instance.State, decision, request));
            }

            var (result, saved) = await RunAndRecordAsync(instance, decision, cancellationToken).ConfigureAwait(false);
            if (saved is not null)
            {
                return result;
            }

            // Another delivery recorded first: the next round answers with what it recorded.
        }

        return SagaStepResult.Transient($"Saga '{Definition.Name}/{request.SagaId}' kept changing under {MaxRounds} conditional writes.");
    }

    /// <summary>
    /// Runs the handler <paramref name="decision"/> names for <paramref name="instance"/> and stores the result over
    /// it, first storing the status the decision implies when it changes (pending becomes running). Returns the result
    /// and the stored instance, or null for it when another writer came first (the result is then not recorded).
    /// </summary>
    public async ValueTask<(SagaStepResult Result, SagaInstance? Saved)> RunAndRecordAsync(SagaInstance instance, SagaDecision decision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(decision);
        var marked = SagaEvaluator.WithStatus(Definition, instance.State);
        if (!ReferenceEquals(marked, instance.State))
        {
            var saved = await Repository.TrySaveAsync(instance, marked, cancellationToken).ConfigureAwait(false);
            if (saved is null)
            {
                return (SagaStepResult.Transient("The saga changed before the step ran."), null);
            }

            instance = saved;
        }

        if (decision.NotBefore is { } due && due > _timeProvider.GetUtcNow())
        {
            await Wait(due - _timeProvider.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        var result = await _runner.RunStepAsync(instance.State.SagaId, decision, instance.Input, cancellationToken).ConfigureAwait(false);
        var recorded = SagaEvaluator.Record(Definition, instance.State, decision.Step!, decision.Phase, result, _timeProvider.GetUtcNow());
        return (result, await Repository.TrySaveAsync(instance, recorded, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>True when <paramref name="decision"/> runs <paramref name="step"/> in <paramref name="phase"/>.</summary>
    public static bool IsFor(SagaDecision decision, string step, SagaPhase phase)
    {
        ArgumentNullException.ThrowIfNull(decision);
        return decision.Kind == SagaDecisionKind.Run && decision.Step == step && decision.Phase == phase;
    }

    /// <summary>What <paramref name="state"/> holds for a handler: its final outcome, or the last transient attempt while it is retried; null when it has not run.</summary>
    public static SagaStepResult? RecordedOutcome(SagaState state, string step, SagaPhase phase)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Current is { } current && current.Step == step && current.Phase == phase)
        {
            return SagaStepResult.Transient(current.LastReason);
        }

        for (var i = state.Steps.Count - 1; i >= 0; i--)
        {
            var record = state.Steps[i];
            if (record.Step == step && record.Phase == phase)
            {
                return record.Outcome == SagaStepOutcome.Succeeded ? SagaStepResult.Succeeded() : SagaStepResult.Failed(record.Reason ?? "failed");
            }
        }

        return null;
    }

    private string NotWaitingFor(SagaState state, SagaDecision decision, SagaStepRequest request) =>
        decision.Kind == SagaDecisionKind.Finish
            ? $"Saga '{Definition.Name}/{state.SagaId}' is {state.Status.ToString().ToLowerInvariant()}; '{request.Step}' did not run in it."
            : $"Saga '{Definition.Name}/{state.SagaId}' is waiting for '{decision.Step}', not '{request.Step}'.";
}
