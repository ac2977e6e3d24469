using Portable.Core.Resilience;

namespace Portable.Core.Sagas;

/// <summary>
/// Runs a saga in process, one handler at a time, following <see cref="SagaEvaluator"/>: each attempt within its
/// step's timeout, each retry after its backoff, the state handed to a save callback after every change. It is what a
/// coordinator does per queue message, done in a loop; hosts with an orchestrator run the same rules there instead.
/// </summary>
public sealed class SagaRunner
{
    private readonly SagaDefinition _definition;
    private readonly IReadOnlyDictionary<string, ISagaStep> _handlers;
    private readonly TimeProvider _timeProvider;
    private readonly Func<TimeSpan, CancellationToken, Task> _wait;

    /// <summary>Creates a runner.</summary>
    /// <param name="definition">The saga.</param>
    /// <param name="handlers">A handler for every name in <see cref="SagaDefinition.HandlerNames"/>.</param>
    /// <param name="timeProvider">The clock for timeouts, backoff and the time of each run.</param>
    /// <param name="wait">Waits out a retry's backoff; by default a delay on <paramref name="timeProvider"/>.</param>
    public SagaRunner(SagaDefinition definition, IReadOnlyDictionary<string, ISagaStep> handlers, TimeProvider timeProvider, Func<TimeSpan, CancellationToken, Task>? wait = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var missing = definition.HandlerNames.Where(name => !handlers.ContainsKey(name)).ToArray();
        if (missing.Length > 0)
        {
            throw new ArgumentException($"Saga '{definition.Name}' has no handler for: {string.Join(", ", missing)}.", nameof(handlers));
        }

        _definition = definition;
        _handlers = handlers;
        _timeProvider = timeProvider;
        _wait = wait ?? ((delay, ct) => Task.Delay(delay, timeProvider, ct));
    }

    /// <summary>Runs the saga from <paramref name="state"/> until it finishes, saving each new state; returns the last.</summary>
    public async ValueTask<SagaState> RunAsync(SagaState state, ReadOnlyMemory<byte> input, Func<SagaState, CancellationToken, ValueTask> save, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(save);
        while (true)
        {
            var decision = SagaEvaluator.Next(_definition, state);
            var marked = SagaEvaluator.WithStatus(_definition, state);
            if (!ReferenceEquals(marked, state))
            {
                state = marked;
                await save(state, cancellationToken).ConfigureAwait(false);
            }

            if (decision.Kind == SagaDecisionKind.Finish)
            {
                return state;
            }

            if (decision.Delay > TimeSpan.Zero)
            {
                await _wait(decision.Delay, cancellationToken).ConfigureAwait(false);
            }

            var result = await RunStepAsync(state.SagaId, decision, input, cancellationToken).ConfigureAwait(false);
            state = SagaEvaluator.Record(_definition, state, decision.Step!, decision.Phase, result, _timeProvider.GetUtcNow());
            await save(state, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs one attempt of the handler <paramref name="decision"/> names within its timeout. A timeout, and a
    /// <see cref="TransientException"/> from the handler, come back as <see cref="SagaStepResult.Transient"/>.
    /// </summary>
    public async ValueTask<SagaStepResult> RunStepAsync(string sagaId, SagaDecision decision, ReadOnlyMemory<byte> input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        if (decision.Kind != SagaDecisionKind.Run)
        {
            throw new ArgumentException("The decision is not to run a step.", nameof(decision));
        }

        using var timeout = new CancellationTokenSource(decision.Timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var context = new SagaStepContext(sagaId, decision.Step!, decision.Phase, decision.Attempt, input);
        try
        {
            return await _handlers[decision.Step!].RunAsync(context, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return SagaStepResult.Transient($"timed out after {decision.Timeout.TotalSeconds:0.###} s");
        }
        catch (TransientException ex)
        {
            return SagaStepResult.Transient(ex.Message);
        }
    }
}
