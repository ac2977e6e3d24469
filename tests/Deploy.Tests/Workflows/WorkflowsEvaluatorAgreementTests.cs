using Portable.Core.Sagas;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// The generated workflow and <see cref="SagaEvaluator"/> — the rules every other orchestrator follows — agree on
/// every path: for each combination of answers (each handler succeeding, failing for good, transient on every
/// attempt, or transient once then succeeding) both make the same calls in the same order with the same attempt
/// numbers, and end with the same status, reason and failures passed after the pivot. Checked for the order saga and
/// for other saga shapes, since the generator takes any <see cref="SagaDefinition"/>.
/// </summary>
public class WorkflowsEvaluatorAgreementTests
{
    [Theory]
    [MemberData(nameof(SagaShapes.Names), MemberType = typeof(SagaShapes))]
    public void Run_EveryCombinationOfAnswers_MakesTheEvaluatorsCallsAndEndsAsItDoes(string shape)
    {
        var saga = SagaShapes.All[shape];
        var yaml = Deploy.Workflows.WorkflowsGenerator.Generate(saga, OrderSagaWorkflow.StepFunction).Content;
        // A compensation runs only when a later step fails before the pivot has succeeded: the pivot's own never runs.
        var lastCompensating = saga.PivotIndex >= 0 ? saga.PivotIndex : saga.Steps.Count - 1;
        var handlers = saga.Steps.SelectMany((s, i) => s.Compensation is null || i >= lastCompensating
            ? [(Name: s.Name, Owner: s)]
            : new[] { (Name: s.Name, Owner: s), (Name: s.Compensation, Owner: s) }).ToList();
        var neverRun = saga.Steps.Select(s => s.Compensation).OfType<string>().Except(handlers.Select(h => h.Name)).ToList();
        var combinations = handlers.Aggregate(1, (n, h) => n * PatternsOf(h.Owner).Length);
        var statuses = new HashSet<string>(StringComparer.Ordinal);

        for (var combination = 0; combination < combinations; combination++)
        {
            var script = Script(handlers, combination);
            var service = Load(new ScriptedStepService(), script);
            var reference = Load(new ScriptedStepService(), script);

            var walked = SagaWalk.Of(OrderSagaWorkflow.Run(service, yaml), service);
            var expected = SagaWalk.Reference(saga, reference.Next);

            if (!(expected.Calls.SequenceEqual(walked.Calls) && expected.Status == walked.Status && expected.Reason == walked.Reason
                && expected.FailedAfterPivot.SequenceEqual(walked.FailedAfterPivot)))
            {
                Assert.Fail(
                    $"[{string.Join(", ", script.Select(s => $"{s.Handler} {s.Pattern}"))}]\n" +
                    $"evaluator: {string.Join(" | ", expected.Calls)} → {expected.Status} '{expected.Reason}' [{string.Join(" | ", expected.FailedAfterPivot)}]\n" +
                    $"workflow:  {string.Join(" | ", walked.Calls)} → {walked.Status} '{walked.Reason}' [{string.Join(" | ", walked.FailedAfterPivot)}]");
            }

            Assert.DoesNotContain(walked.Calls, c => neverRun.Any(n => c.StartsWith($"undo {n} ", StringComparison.Ordinal)));
            statuses.Add(walked.Status);
        }

        // The combinations reach every ending the saga has.
        var endings = saga.PivotIndex == 0 ? new[] { "completed", "compensated" } : ["completed", "compensated", "failed"];
        Assert.Equal(endings.Order(StringComparer.Ordinal), statuses.Order(StringComparer.Ordinal));
    }

    private static readonly string[] Patterns = ["succeeds", "fails", "transient every attempt", "transient once"];

    // With one attempt, transient once is transient on every attempt.
    private static string[] PatternsOf(SagaStepDefinition owner) => owner.Retry.MaxAttempts > 1 ? Patterns : Patterns[..3];

    private static List<(string Handler, string Pattern, StepAnswer[] Answers)> Script(List<(string Name, SagaStepDefinition Owner)> handlers, int combination)
    {
        var script = new List<(string, string, StepAnswer[])>();
        foreach (var (name, owner) in handlers)
        {
            var patterns = PatternsOf(owner);
            var pattern = patterns[combination % patterns.Length];
            combination /= patterns.Length;
            StepAnswer[] answers = pattern switch
            {
                "succeeds" => [],
                "fails" => [StepAnswer.Fail($"{name} refused")],
                "transient every attempt" => StepAnswer.Times(owner.Retry.MaxAttempts, StepAnswer.Transient($"{name} busy")),
                _ => [StepAnswer.Transient($"{name} busy"), StepAnswer.Succeed],
            };
            script.Add((name, pattern, answers));
        }

        return script;
    }

    private static ScriptedStepService Load(ScriptedStepService service, List<(string Handler, string Pattern, StepAnswer[] Answers)> script)
    {
        foreach (var (handler, _, answers) in script)
        {
            service.Answer(handler, answers);
        }

        return service;
    }
}
