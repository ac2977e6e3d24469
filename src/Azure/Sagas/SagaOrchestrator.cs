using System.Globalization;
using Microsoft.DurableTask;
using Portable.Core.Sagas;

namespace Portable.Azure.Sagas;

/// <summary>
/// The class-based Durable orchestrator of a saga: it follows <see cref="SagaEvaluator"/> from the stored state,
/// calling one activity per handler run (<see cref="DurableSaga.ActivityName"/>). Each attempt races a durable timer
/// of the step's timeout, since Durable has no activity timeout of its own: if the timer fires first the attempt is
/// transient, "timed out after N s", and the activity's late result is ignored. Retries are the evaluator's, each
/// after a durable timer to the decision's <see cref="SagaDecision.NotBefore"/>, so the evaluator counts every
/// attempt and the history shows each one. The state is the custom status after every change (what
/// <see cref="DurableSagaStateSource"/> reads) and, once the saga ends, is written into the stored record by the
/// <see cref="DurableSaga.SaveActivityName"/> activity; it is also the orchestration's output.
/// </summary>
/// <remarks>
/// Deterministic, as an orchestrator must be: every time is the orchestration's <c>CurrentUtcDateTime</c>, and the
/// only awaits are on the context's activities and timers. One instance serves every orchestration of the saga.
/// </remarks>
public sealed class SagaOrchestrator(DurableSaga saga) : TaskOrchestrator<SagaOrchestrationInput, SagaState>
{
    // The write-back is retried as any flaky store call is; past this the orchestration fails, its status kept.
    private static readonly TaskOptions SaveRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), 2));

    /// <inheritdoc />
    public override async Task<SagaState> RunAsync(TaskOrchestrationContext context, SagaOrchestrationInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var definition = saga.Definition;
        var state = input.State ?? SagaState.Start(input.SagaId);
        context.SetCustomStatus(state);
        while (true)
        {
            var decision = SagaEvaluator.Next(definition, state);
            var marked = SagaEvaluator.WithStatus(definition, state);
            if (!ReferenceEquals(marked, state))
            {
                state = marked;
                context.SetCustomStatus(state);
            }

            if (decision.Kind == SagaDecisionKind.Finish)
            {
                break;
            }

            if (decision.NotBefore is { } notBefore && notBefore.UtcDateTime > context.CurrentUtcDateTime)
            {
                await context.CreateTimer(notBefore.UtcDateTime, CancellationToken.None).ConfigureAwait(true);
            }

            var result = await AttemptAsync(context, input, decision).ConfigureAwait(true);
            state = SagaEvaluator.Record(definition, state, decision.Step!, decision.Phase, result, Now(context));
            context.SetCustomStatus(state);
        }

        await context.CallActivityAsync<bool>(saga.SaveActivityName, state, SaveRetry).ConfigureAwait(true);
        return state;
    }

    private async Task<SagaStepResult> AttemptAsync(TaskOrchestrationContext context, SagaOrchestrationInput input, SagaDecision decision)
    {
        var request = new SagaStepRequest(saga.Definition.Name, input.SagaId, decision.Step!, decision.Phase, decision.Attempt, input.Input);
        using var timerCancellation = new CancellationTokenSource();
        var attempt = context.CallActivityAsync<SagaStepReply>(saga.ActivityName(decision.Step!), request);
        var timeout = context.CreateTimer(decision.Timeout, timerCancellation.Token);
        if (await Task.WhenAny(attempt, timeout).ConfigureAwait(true) == timeout)
        {
            // The activity may still run to its end; a step's effects are idempotent, and its late result lands in
            // a history that no longer waits for it.
            return SagaStepResult.Transient(string.Create(CultureInfo.InvariantCulture, $"timed out after {decision.Timeout.TotalSeconds:0.###} s"));
        }

        // Synchronously: the timer task's cancellation must complete on the orchestrator's own thread.
#pragma warning disable CA1849 // CancelAsync would run the timer's continuation on the thread pool, outside the orchestration.
        timerCancellation.Cancel();
#pragma warning restore CA1849
        try
        {
            return (await attempt.ConfigureAwait(true)).ToResult();
        }
        catch (TaskFailedException failure)
        {
            // The activity threw (a bug, a host fault): a fault that may pass, so retried per the step's policy.
            return SagaStepResult.Transient($"{failure.FailureDetails.ErrorType}: {failure.FailureDetails.ErrorMessage}");
        }
    }

    private static DateTimeOffset Now(TaskOrchestrationContext context) =>
        new(DateTime.SpecifyKind(context.CurrentUtcDateTime, DateTimeKind.Utc), TimeSpan.Zero);
}
