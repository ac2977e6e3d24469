namespace Portable.Core.Sagas;

/// <summary>
/// The saga state machine, pure: from a <see cref="SagaDefinition"/> and a <see cref="SagaState"/> it says what to do
/// next (<see cref="Next"/>) and folds a handler's result into the state (<see cref="Record"/>). The rules:
/// <list type="bullet">
/// <item>Forward steps run in order; a transient result is retried per the step's policy, the last transient
/// attempt counting as a failure.</item>
/// <item>A failure at or before the pivot undoes the steps that succeeded, in reverse, each compensation retried
/// per its step's policy; then the saga is <see cref="SagaStatus.Compensated"/> with the failure as reason.</item>
/// <item>A failure after the pivot is recorded and passed: the saga goes on and ends <see cref="SagaStatus.Completed"/>.</item>
/// <item>A compensation that fails leaves the saga <see cref="SagaStatus.Failed"/>, the original reason kept.</item>
/// <item>A result for anything other than the handler <see cref="Next"/> names (a duplicate or stale delivery)
/// changes nothing.</item>
/// </list>
/// </summary>
public static class SagaEvaluator
{
    /// <summary>What the saga does next.</summary>
    public static SagaDecision Next(SagaDefinition definition, SagaState state)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(state);
        if (state.IsTerminal)
        {
            return SagaDecision.Finish(state.Status, state.Reason);
        }

        var steps = definition.Steps;
        var failedAt = -1;
        var undoFailedStep = false;
        string? reason = null;
        for (var i = 0; i < steps.Count && failedAt < 0; i++)
        {
            var step = steps[i];
            var done = Last(state, step.Name, SagaPhase.Do);
            if (done is null)
            {
                if (state.AbortReason is null)
                {
                    return RunDecision(step.Name, SagaPhase.Do, step, state, SagaStatus.Running, null);
                }

                if (PivotPassed(definition, state))
                {
                    // Past the point of no return nothing is undone: an aborted saga ends with what it did.
                    return SagaDecision.Finish(SagaStatus.Completed, null);
                }

                // The step being retried may have done its work before failing to say so: undo it too (idempotently).
                failedAt = i;
                undoFailedStep = state.Current is { Phase: SagaPhase.Do } current && current.Step == step.Name;
                reason = state.AbortReason;
            }
            else if (done.Outcome == SagaStepOutcome.Failed && !step.IsAfterPivot)
            {
                failedAt = i;
                reason = $"{step.Name}: {done.Reason}";
            }
        }

        if (failedAt < 0)
        {
            return SagaDecision.Finish(SagaStatus.Completed, null);
        }

        for (var j = undoFailedStep ? failedAt : failedAt - 1; j >= 0; j--)
        {
            var step = steps[j];
            if (step.Compensation is not { } compensation)
            {
                continue;
            }

            var undone = Last(state, compensation, SagaPhase.Undo);
            if (undone is null)
            {
                return RunDecision(compensation, SagaPhase.Undo, step, state, SagaStatus.Compensating, reason);
            }

            if (undone.Outcome == SagaStepOutcome.Failed)
            {
                return SagaDecision.Finish(SagaStatus.Failed, reason);
            }
        }

        return SagaDecision.Finish(SagaStatus.Compensated, reason);
    }

    /// <summary>
    /// Folds one attempt's <paramref name="result"/> for <paramref name="step"/> in <paramref name="phase"/> into
    /// the state, ending at <paramref name="at"/>. Returns <paramref name="state"/> itself when the saga was not
    /// waiting for that handler (a duplicate delivery, or one for a finished saga).
    /// </summary>
    public static SagaState Record(SagaDefinition definition, SagaState state, string step, SagaPhase phase, SagaStepResult result, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(step);
        var expected = Next(definition, state);
        if (expected.Kind != SagaDecisionKind.Run || expected.Step != step || expected.Phase != phase)
        {
            return state;
        }

        definition.TryFindHandler(step, out var owner, out _);
        var attempts = expected.Attempt;
        var next = result.Kind switch
        {
            SagaStepResultKind.Succeeded => state with { Steps = [.. state.Steps, new SagaStepRecord(step, phase, SagaStepOutcome.Succeeded, attempts, at)], Current = null },
            SagaStepResultKind.Transient when attempts < owner.Retry.MaxAttempts => state with { Current = new SagaAttempt(step, phase, attempts, result.Reason!, at) },
            SagaStepResultKind.Transient => state with
            {
                Steps = [.. state.Steps, new SagaStepRecord(step, phase, SagaStepOutcome.Failed, attempts, at, $"{result.Reason} (after {attempts} attempt{(attempts == 1 ? "" : "s")})")],
                Current = null,
            },
            _ => state with { Steps = [.. state.Steps, new SagaStepRecord(step, phase, SagaStepOutcome.Failed, attempts, at, result.Reason)], Current = null },
        };
        return WithStatus(definition, next);
    }

    /// <summary>
    /// Gives up on a saga that is not finished (a reconciler's deadline): before the pivot has succeeded, whatever
    /// succeeded is undone, the handler being retried included; past it, the saga ends completed with what it did.
    /// </summary>
    public static SagaState Abort(SagaDefinition definition, SagaState state, string reason)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return state.IsTerminal || state.AbortReason is not null ? state : WithStatus(definition, state with { AbortReason = reason });
    }

    /// <summary>The state with the status and reason <see cref="Next"/> implies (pending becomes running once the first step is due).</summary>
    public static SagaState WithStatus(SagaDefinition definition, SagaState state)
    {
        var decision = Next(definition, state);
        return state.Status == decision.Status && state.Reason == decision.Reason ? state : state with { Status = decision.Status, Reason = decision.Reason };
    }

    private static bool PivotPassed(SagaDefinition definition, SagaState state) =>
        definition.PivotIndex >= 0 && Last(state, definition.Steps[definition.PivotIndex].Name, SagaPhase.Do)?.Outcome == SagaStepOutcome.Succeeded;

    private static SagaDecision RunDecision(string handler, SagaPhase phase, SagaStepDefinition owner, SagaState state, SagaStatus status, string? reason)
    {
        var retrying = state.Current is { } current && current.Step == handler && current.Phase == phase ? current : null;
        return retrying is null
            ? SagaDecision.Run(handler, phase, 1, TimeSpan.Zero, owner.Timeout, status, reason)
            : SagaDecision.Run(handler, phase, retrying.Attempts + 1, owner.Retry.DelayAfter(retrying.Attempts), owner.Timeout, status, reason, retrying.At + owner.Retry.DelayAfter(retrying.Attempts));
    }

    private static SagaStepRecord? Last(SagaState state, string handler, SagaPhase phase)
    {
        for (var i = state.Steps.Count - 1; i >= 0; i--)
        {
            if (state.Steps[i].Step == handler && state.Steps[i].Phase == phase)
            {
                return state.Steps[i];
            }
        }

        return null;
    }
}
