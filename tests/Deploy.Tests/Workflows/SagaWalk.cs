using Portable.Core.Sagas;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// Where a saga went: the calls in order (<c>"do charge-payment #2"</c>), the final status and reason, and the
/// failures passed after the pivot (<c>"notify-customer: …"</c>). Built from a workflow run or from
/// <see cref="SagaEvaluator"/> itself, so the two can be compared.
/// </summary>
public sealed record SagaWalk(IReadOnlyList<string> Calls, string Status, string? Reason, IReadOnlyList<string> FailedAfterPivot)
{
    /// <summary>Reads a generated workflow's run: its return value, or the error a failed compensation raises.</summary>
    public static SagaWalk Of(WorkflowRun run, ScriptedStepService service)
    {
        var outcome = (run.Succeeded ? run.Result : run.Error) as Dictionary<string, object?>
            ?? throw new InvalidOperationException($"The run ended with {(run.Succeeded ? run.Result : run.Error)}, not a saga outcome map.");
        var status = (string)outcome["status"]!;
        Assert.True(run.Succeeded == (status != "failed"), $"Status {status} from a run that {(run.Succeeded ? "succeeded" : "failed")}.");
        var late = outcome.TryGetValue("failedAfterPivot", out var list) && list is List<object?> items ? items.Cast<string>().ToList() : [];
        return new SagaWalk(service.Calls, status, outcome["reason"] as string, late);
    }

    /// <summary>Runs <paramref name="saga"/> on <see cref="SagaEvaluator"/> alone, each handler answering from <paramref name="answer"/>.</summary>
    public static SagaWalk Reference(SagaDefinition saga, Func<string, StepAnswer> answer)
    {
        var state = SagaState.Start("order-42");
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var calls = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var decision = SagaEvaluator.Next(saga, state);
            if (decision.Kind == SagaDecisionKind.Finish)
            {
                var late = state.Steps
                    .Where(r => r.Phase == SagaPhase.Do && r.Outcome == SagaStepOutcome.Failed && saga.TryFindHandler(r.Step, out var step, out _) && step.IsAfterPivot)
                    .Select(r => $"{r.Step}: {r.Reason}")
                    .ToList();
                return new SagaWalk(calls, decision.Status.ToString().ToLowerInvariant(), decision.Reason, late);
            }

            var phase = decision.Phase == SagaPhase.Do ? "do" : "undo";
            calls.Add($"{phase} {decision.Step} #{decision.Attempt}");
            state = SagaEvaluator.Record(saga, state, decision.Step!, decision.Phase, answer(decision.Step!).ToResult(), at);
        }

        throw new InvalidOperationException("The evaluator did not finish within 1000 decisions.");
    }
}
