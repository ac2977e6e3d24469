namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// The walker the control-flow tests trust, on small hand-written workflows: it keeps the Workflows rules the
/// generated file depends on, and refuses what the real service would refuse instead of walking it.
/// </summary>
public class WorkflowInterpreterTests
{
    private static readonly Dictionary<string, string> NoEnvironment = new(StringComparer.Ordinal);

    [Fact]
    public void Run_PredicateSaysNo_GoesToExceptWithoutRetrying()
    {
        var service = new ScriptedStepService().Answer("a", StepAnswer.Fail("nope"));

        var run = Run(
            """
            main:
              steps:
                - call_a:
                    try:
                      call: http.post
                      args:
                        url: https://example.test/a
                        body: {step: a}
                    retry:
                      predicate: ${never}
                      max_retries: 5
                      backoff: {initial_delay: 1, max_delay: 10, multiplier: 2}
                    except:
                      as: e
                      steps:
                        - caught:
                            return: ${e.code}
            never:
              params: [e]
              steps:
                - say_no:
                    return: false
            """,
            service);

        Assert.Equal(422L, run.Result);
        Assert.Single(service.Requests);
        Assert.Empty(run.Sleeps);
    }

    [Fact]
    public void Run_RetriesRunOut_TheLastErrorReachesExceptAfterCappedBackoff()
    {
        var service = new ScriptedStepService().Answer("a", StepAnswer.Times(4, StepAnswer.Transient("busy")));

        var run = Run(
            """
            main:
              steps:
                - call_a:
                    try:
                      call: http.post
                      args:
                        url: https://example.test/a
                        body: {step: a}
                    retry:
                      predicate: ${always}
                      max_retries: 3
                      backoff: {initial_delay: 2, max_delay: 5, multiplier: 3}
                    except:
                      as: e
                      steps:
                        - caught:
                            return: ${e.body.reason}
            always:
              params: [e]
              steps:
                - say_yes:
                    return: true
            """,
            service);

        Assert.Equal("busy", run.Result);
        Assert.Equal(4, service.Requests.Count);
        Assert.Equal([2, 5, 5], run.Sleeps.Select(s => s.TotalSeconds));
    }

    [Fact]
    public void Run_VariableFirstAssignedInsideExcept_IsGoneAfterIt()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Run(
            """
            main:
              steps:
                - fail:
                    try:
                      raise: boom
                    except:
                      as: e
                      steps:
                        - keep:
                            assign:
                              - why: ${e}
                - after:
                    return: ${why}
            """));

        Assert.Contains("'why' is not defined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_JumpFromExceptToAnOuterStep_Lands()
    {
        var run = Run(
            """
            main:
              steps:
                - fail:
                    try:
                      raise: boom
                    except:
                      as: e
                      steps:
                        - out:
                            next: handled
                - not_here:
                    return: fell through
                - handled:
                    return: handled
            """);

        Assert.Equal("handled", run.Result);
    }

    [Fact]
    public void Run_JumpIntoANestedBlock_IsRefused()
    {
        Assert.Throws<InvalidOperationException>(() => Run(
            """
            main:
              steps:
                - go:
                    next: inner
                - block:
                    steps:
                      - inner:
                          return: reached
            """));
    }

    [Fact]
    public void Run_StringPlusInteger_IsATypeErrorExceptCatches()
    {
        var run = Run(
            """
            main:
              steps:
                - init:
                    assign:
                      - n: 3
                - add:
                    try:
                      assign:
                        - text: ${"attempts " + n}
                    except:
                      as: e
                      steps:
                        - caught:
                            return: ${e.tags}
            """);

        Assert.Equal(new List<object?> { "TypeError" }, run.Result);
    }

    [Fact]
    public void Run_AndOr_EvaluateBothSides()
    {
        var run = Run(
            """
            main:
              steps:
                - init:
                    assign:
                      - m: {}
                - check:
                    try:
                      assign:
                        - ok: ${false and m.code == 1}
                    except:
                      as: error
                      steps:
                        - caught:
                            return: ${error.tags}
                - unreachable:
                    return: short-circuited
            """);

        Assert.Equal(new List<object?> { "KeyError" }, run.Result);
    }

    [Fact]
    public void Run_UncaughtRaise_FailsTheExecutionWithTheRaisedMap()
    {
        var run = Run(
            """
            main:
              steps:
                - stop:
                    raise:
                      status: failed
                      reason: ${"a" + "b"}
            """);

        Assert.False(run.Succeeded);
        Assert.Equal("ab", Assert.IsType<Dictionary<string, object?>>(run.Error)["reason"]);
    }

    private static WorkflowRun Run(string yaml, ScriptedStepService? service = null) =>
        new WorkflowInterpreter(yaml, NoEnvironment, service ?? new ScriptedStepService()).Run(null);
}
