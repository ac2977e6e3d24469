using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Deploy.StepFunctions;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// Any saga's generated machine, executed: for every step failing for good, running out of attempts, and every
/// compensation failing behind it, each Task invocation is the one the saga's evaluator expects next (handler, phase,
/// attempt) and the execution ends as the saga does. Plus the two things only an execution shows: Lambda service
/// errors are retried without using up a step's attempts, and the policy's own waits are kept.
/// </summary>
public sealed class GeneratedStateMachineExecutionTests
{
    [Theory]
    [MemberData(nameof(TestSagas.Names), MemberType = typeof(TestSagas))]
    public async Task EveryFailurePath_FollowsTheSagaRules(string name)
    {
        var saga = TestSagas.ByName[name];
        var paths = Paths(saga);
        var function = new ScriptedSagaFunction(saga, (path, step, phase, attempt) =>
        {
            var (mode, handlers) = paths[path];
            return !handlers.Contains(step) ? SagaStepResult.Succeeded()
                : mode == "exhaust" ? SagaStepResult.Transient($"{step} is busy")
                : SagaStepResult.Failed($"{step} refused");
        });
        var machine = SagaExecution.WriteMachine(saga);
        try
        {
            var executions = await SagaExecution.RunAsync(saga, machine, function, [.. paths.Keys]);

            Assert.Empty(function.Unexpected);
            foreach (var (path, execution) in executions)
            {
                SagaExecution.AssertAgrees(function.State(path), execution);
            }

            // Every end the saga can reach was reached by some path.
            var ends = executions.Keys.Select(p => function.State(p).Status).ToHashSet();
            Assert.Contains(SagaStatus.Completed, ends);
            Assert.Equal(saga.Steps.Take(LastCompensating(saga)).Any(s => s.Compensation is not null), ends.Contains(SagaStatus.Failed));
        }
        finally
        {
            File.Delete(machine);
        }
    }

    [Fact]
    public async Task LambdaServiceErrors_AreRetriedWithoutUsingUpTheStepsAttempts()
    {
        var function = new ScriptedSagaFunction(OrderSaga.Definition, (_, step, _, _) => SagaStepResult.Succeeded(), checkAttempts: false);

        var executions = await SagaExecution.RunAsync(
            OrderSaga.Definition,
            OrderSagaStateMachineDriftTests.CommittedPath,
            function,
            ["throttled"],
            arrange: api =>
            {
                api.FailNextWith(500, "ServiceException");
                api.FailNextWith(429, "TooManyRequestsException");
            });

        var execution = executions["throttled"];
        Assert.Empty(function.Unexpected);
        SagaExecution.AssertAgrees(function.State("throttled"), execution);
        Assert.Equal(
            ["Lambda.ServiceException", "Lambda.TooManyRequestsException"],
            execution.Events.Where(e => e.Type == "StateFailed").Select(e => e.Error));
        Assert.Equal(2, execution.Retries("reserve-inventory"));
        // The function saw one request, the Task's third try: the saga counts one attempt, $$.State.RetryCount all three.
        Assert.Equal("reserve-inventory#3", function.Attempts("throttled")[0]);
        Assert.Equal(1, function.State("throttled").Steps[0].Attempts);
        Assert.Equal(SagaStatus.Completed, function.State("throttled").Status);
    }

    [Fact]
    public async Task PaymentTimeout_WaitsThePolicysBackoffBetweenAttempts()
    {
        var function = new ScriptedSagaFunction(OrderSaga.Definition, (_, step, _, _) =>
            step == OrderSaga.ChargePayment ? SagaStepResult.Transient("The payment service did not answer in time.") : SagaStepResult.Succeeded());

        // No override: the definition's own IntervalSeconds 1 and BackoffRate 2, so about 3 s.
        var executions = await SagaExecution.RunAsync(OrderSaga.Definition, OrderSagaStateMachineDriftTests.CommittedPath, function, ["timeout"], keepPolicyWaits: true);

        var events = executions["timeout"].Events.Where(e => e.State == OrderSaga.ChargePayment && e.Type is "StateFailed" or "StateRetried").ToList();
        Assert.Equal(["StateFailed", "StateRetried", "StateFailed", "StateRetried", "StateFailed"], events.Select(e => e.Type));
        var waits = new[] { events[1].Timestamp - events[0].Timestamp, events[3].Timestamp - events[2].Timestamp };
        Assert.True(waits[0] >= 990 && waits[1] >= 1990 && waits[1] > waits[0], $"waits {waits[0]} ms, {waits[1]} ms; expected 1 s then 2 s");
        Assert.Equal(SagaStatus.Compensated, function.State("timeout").Status);
    }

    private static int LastCompensating(SagaDefinition saga) => saga.PivotIndex >= 0 ? saga.PivotIndex : saga.Steps.Count - 1;

    // Every path worth walking: all succeed; each step fails for good; each step runs out of attempts; and behind the
    // last step that still compensates, each compensation fails.
    private static Dictionary<string, (string Mode, string[] Handlers)> Paths(SagaDefinition saga)
    {
        var paths = new Dictionary<string, (string, string[])>(StringComparer.Ordinal) { ["ok"] = ("fail", []) };
        foreach (var step in saga.Steps)
        {
            paths[$"fail-{step.Name}"] = ("fail", [step.Name]);
            paths[$"exhaust-{step.Name}"] = ("exhaust", [step.Name]);
        }

        var last = saga.Steps[LastCompensating(saga)].Name;
        foreach (var step in saga.Steps.Take(LastCompensating(saga)))
        {
            if (step.Compensation is { } compensation)
            {
                paths[$"fail-{last}-then-{compensation}"] = ("fail", [last, compensation]);
            }
        }

        return paths;
    }
}
