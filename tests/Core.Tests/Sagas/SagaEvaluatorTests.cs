using Microsoft.Extensions.Time.Testing;
using Portable.Core.Sagas;

namespace Portable.Core.Tests.Sagas;

public sealed class SagaEvaluatorTests
{
    // a → b → c (pivot) → d; e has no compensation. Order: a, e, b, c, d.
    private static readonly SagaDefinition Definition = SagaDefinition.Create("test")
        .Step("a", s => s.CompensateWith("undo-a").Retry(3, TimeSpan.FromSeconds(1), 2))
        .Step("e")
        .Step("b", s => s.CompensateWith("undo-b").Retry(3, TimeSpan.FromSeconds(1), 2))
        .Pivot("c", s => s.CompensateWith("undo-c").Timeout(TimeSpan.FromSeconds(5)))
        .Step("d", s => s.Retry(4, TimeSpan.FromSeconds(2), 3))
        .Build();

    private static readonly string[] Forward = ["a", "e", "b", "c", "d"];

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly List<TimeSpan> _waits = [];
    private readonly Dictionary<string, ScriptedStep> _steps = new(StringComparer.Ordinal);

    private ScriptedStep Script(string name, params SagaStepResult[] results) => _steps[name] = new ScriptedStep(results);

    private async Task<(SagaState Final, List<SagaState> Saved)> RunAsync(SagaState? start = null)
    {
        foreach (var name in Definition.HandlerNames)
        {
            _steps.TryAdd(name, new ScriptedStep());
        }

        var runner = new SagaRunner(Definition, _steps.ToDictionary(p => p.Key, p => (ISagaStep)p.Value), _clock, (delay, _) =>
        {
            _waits.Add(delay);
            _clock.Advance(delay);
            return Task.CompletedTask;
        });
        var saved = new List<SagaState>();
        var final = await runner.RunAsync(start ?? SagaState.Start("s1"), "{}"u8.ToArray(), (s, _) =>
        {
            saved.Add(s);
            return ValueTask.CompletedTask;
        });
        return (final, saved);
    }

    private static string[] History(SagaState state) => [.. state.Steps.Select(s => $"{s.Step}:{(s.Phase == SagaPhase.Do ? "do" : "undo")}:{(s.Outcome == SagaStepOutcome.Succeeded ? "ok" : "failed")}")];

    [Fact]
    public async Task Run_EveryStepSucceeds_CompletesWithEachStepOnce()
    {
        var (final, saved) = await RunAsync();
        Assert.Equal(SagaStatus.Completed, final.Status);
        Assert.Null(final.Reason);
        Assert.Equal(["a:do:ok", "e:do:ok", "b:do:ok", "c:do:ok", "d:do:ok"], History(final));
        Assert.All(final.Steps, s => Assert.Equal(1, s.Attempts));
        Assert.Equal(SagaStatus.Running, saved[0].Status);
        Assert.All(_steps.Where(p => p.Key.StartsWith("undo", StringComparison.Ordinal)), p => Assert.Equal(0, p.Value.Runs));
    }

    [Theory]
    [InlineData("a", new string[0])]
    [InlineData("e", new[] { "undo-a" })]
    [InlineData("b", new[] { "undo-a" })]
    [InlineData("c", new[] { "undo-b", "undo-a" })]
    public async Task Run_PermanentFailureAtOrBeforePivot_UndoesExactlyTheCompletedStepsInReverse(string failing, string[] undone)
    {
        Script(failing, SagaStepResult.Failed("boom"));
        var (final, saved) = await RunAsync();

        Assert.Equal(SagaStatus.Compensated, final.Status);
        Assert.Equal($"{failing}: boom", final.Reason);
        var index = Array.IndexOf(Forward, failing);
        string[] expected = [.. Forward[..index].Select(s => $"{s}:do:ok"), $"{failing}:do:failed", .. undone.Select(u => $"{u}:undo:ok")];
        Assert.Equal(expected, History(final));
        Assert.Equal(1, _steps[failing].Runs);
        foreach (var later in Forward[(index + 1)..])
        {
            Assert.Equal(0, _steps[later].Runs);
        }

        Assert.Equal(0, _steps["undo-c"].Runs);
        if (undone.Length > 0)
        {
            Assert.Contains(saved, s => s.Status == SagaStatus.Compensating && s.Reason == $"{failing}: boom");
        }
    }

    [Fact]
    public async Task Run_StepAfterPivotFailsEveryAttempt_CompletesWithStepMarkedFailedAndNothingUndone()
    {
        Script("d", SagaStepResult.Transient("mail down"));
        var (final, _) = await RunAsync();

        Assert.Equal(SagaStatus.Completed, final.Status);
        Assert.Null(final.Reason);
        Assert.Equal(["a:do:ok", "e:do:ok", "b:do:ok", "c:do:ok", "d:do:failed"], History(final));
        Assert.Equal(4, final.Steps[^1].Attempts);
        Assert.Equal("mail down (after 4 attempts)", final.Steps[^1].Reason);
        Assert.Equal([TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(18)], _waits);
        Assert.Equal(4, _steps["d"].Runs);
    }

    [Fact]
    public async Task Run_StepAfterPivotFailsPermanently_CompletesWithoutRetry()
    {
        Script("d", SagaStepResult.Failed("no address"));
        var (final, _) = await RunAsync();
        Assert.Equal(SagaStatus.Completed, final.Status);
        Assert.Equal(1, _steps["d"].Runs);
        Assert.Equal(SagaStepOutcome.Failed, final.Steps[^1].Outcome);
    }

    [Fact]
    public async Task Run_TransientThenSuccess_RetriesWithBackoffAndRecordsAttempts()
    {
        Script("b", SagaStepResult.Transient("busy"), SagaStepResult.Transient("busy"), SagaStepResult.Succeeded());
        var start = _clock.GetUtcNow();
        var (final, saved) = await RunAsync();

        Assert.Equal(SagaStatus.Completed, final.Status);
        var b = final.Steps.Single(s => s.Step == "b");
        Assert.Equal(3, b.Attempts);
        Assert.Equal(start + TimeSpan.FromSeconds(3), b.At);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], _waits);
        Assert.Equal([1, 2, 3], _steps["b"].Contexts.Select(c => c.Attempt));
        Assert.Contains(saved, s => s.Current is { Step: "b", Attempts: 2, LastReason: "busy" });
        Assert.Null(final.Current);
    }

    [Fact]
    public async Task Run_TransientOnEveryAttempt_FailsAfterMaxAttemptsThenCompensates()
    {
        Script("b", SagaStepResult.Transient("timed out"));
        var (final, _) = await RunAsync();

        Assert.Equal(SagaStatus.Compensated, final.Status);
        Assert.Equal("b: timed out (after 3 attempts)", final.Reason);
        Assert.Equal(3, _steps["b"].Runs);
        Assert.Equal(["a:do:ok", "e:do:ok", "b:do:failed", "undo-a:undo:ok"], History(final));
    }

    [Fact]
    public async Task Run_CompensationFails_EndsFailedKeepingReasonAndStopsUndoing()
    {
        Script("c", SagaStepResult.Failed("no courier"));
        Script("undo-b", SagaStepResult.Failed("refund refused"));
        var (final, _) = await RunAsync();

        Assert.Equal(SagaStatus.Failed, final.Status);
        Assert.Equal("c: no courier", final.Reason);
        Assert.Equal(["a:do:ok", "e:do:ok", "b:do:ok", "c:do:failed", "undo-b:undo:failed"], History(final));
        Assert.Equal("refund refused", final.Steps[^1].Reason);
        Assert.Equal(0, _steps["undo-a"].Runs);
    }

    [Fact]
    public async Task Run_CompensationTransientThenSuccess_IsRetriedPerItsStepsPolicy()
    {
        Script("c", SagaStepResult.Failed("no courier"));
        Script("undo-b", SagaStepResult.Transient("busy"), SagaStepResult.Succeeded());
        var (final, _) = await RunAsync();

        Assert.Equal(SagaStatus.Compensated, final.Status);
        Assert.Equal(2, final.Steps.Single(s => s.Step == "undo-b").Attempts);
        Assert.Equal([TimeSpan.FromSeconds(1)], _waits);
    }

    [Fact]
    public async Task Run_CompensationTransientOnEveryAttempt_EndsFailed()
    {
        Script("b", SagaStepResult.Failed("declined"));
        Script("undo-a", SagaStepResult.Transient("busy"));
        var (final, _) = await RunAsync();

        Assert.Equal(SagaStatus.Failed, final.Status);
        Assert.Equal("b: declined", final.Reason);
        Assert.Equal(3, _steps["undo-a"].Runs);
    }

    [Fact]
    public async Task RunStep_AttemptOutlivesTimeout_IsTransient()
    {
        var runner = new SagaRunner(Definition, Definition.HandlerNames.ToDictionary(n => n, n => n == "c" ? (ISagaStep)new HangingStep() : new ScriptedStep()), _clock);
        var decision = SagaDecision.Run("c", SagaPhase.Do, 1, TimeSpan.Zero, TimeSpan.FromSeconds(5), SagaStatus.Running, null);
        var run = runner.RunStepAsync("s1", decision, "{}"u8.ToArray()).AsTask();
        _clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(run.IsCompleted);
        _clock.Advance(TimeSpan.FromSeconds(1));
        var result = await run;
        Assert.Equal(SagaStepResultKind.Transient, result.Kind);
        Assert.Equal("timed out after 5 s", result.Reason);
    }

    [Fact]
    public async Task RunStep_HandlerThrowsTransientException_IsTransient()
    {
        var runner = new SagaRunner(Definition, Definition.HandlerNames.ToDictionary(n => n, n => n == "a" ? (ISagaStep)new ThrowingStep() : new ScriptedStep()), _clock);
        var result = await runner.RunStepAsync("s1", SagaEvaluator.Next(Definition, SagaState.Start("s1")), default);
        Assert.Equal(SagaStepResult.Transient("service busy"), result);
    }

    [Fact]
    public void SagaRunner_HandlerMissing_NamesIt()
    {
        var handlers = Definition.HandlerNames.Where(n => n != "undo-b").ToDictionary(n => n, _ => (ISagaStep)new ScriptedStep());
        var error = Assert.Throws<ArgumentException>(() => new SagaRunner(Definition, handlers, _clock));
        Assert.Contains("undo-b", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Next_NewSaga_RunsFirstStepAsFirstAttemptWithItsTimeout()
    {
        var decision = SagaEvaluator.Next(Definition, SagaState.Start("s1"));
        Assert.Equal(SagaDecisionKind.Run, decision.Kind);
        Assert.Equal(("a", SagaPhase.Do, 1, TimeSpan.Zero, SagaStepBuilder.DefaultTimeout, SagaStatus.Running), (decision.Step, decision.Phase, decision.Attempt, decision.Delay, decision.Timeout, decision.Status));
    }

    [Fact]
    public void Next_AfterTransientAttempt_RetriesTheSameStepNotBeforeItsBackoff()
    {
        var at = _clock.GetUtcNow();
        var state = SagaEvaluator.Record(Definition, SagaState.Start("s1"), "a", SagaPhase.Do, SagaStepResult.Transient("busy"), at);
        state = SagaEvaluator.Record(Definition, state, "a", SagaPhase.Do, SagaStepResult.Transient("busy"), at + TimeSpan.FromSeconds(1));
        var decision = SagaEvaluator.Next(Definition, state);
        Assert.Equal(("a", 3, TimeSpan.FromSeconds(2), at + TimeSpan.FromSeconds(3)), (decision.Step, decision.Attempt, decision.Delay, decision.NotBefore));
        Assert.Equal(SagaStatus.Running, state.Status);
        Assert.Empty(state.Steps);
        Assert.Null(SagaEvaluator.Next(Definition, SagaState.Start("s1")).NotBefore);
    }

    [Fact]
    public void Record_DuplicateDelivery_ChangesNothing()
    {
        var at = _clock.GetUtcNow();
        var state = SagaEvaluator.Record(Definition, SagaState.Start("s1"), "a", SagaPhase.Do, SagaStepResult.Succeeded(), at);
        Assert.Same(state, SagaEvaluator.Record(Definition, state, "a", SagaPhase.Do, SagaStepResult.Succeeded(), at));
        Assert.Same(state, SagaEvaluator.Record(Definition, state, "a", SagaPhase.Do, SagaStepResult.Failed("late"), at));
        Assert.Same(state, SagaEvaluator.Record(Definition, state, "undo-a", SagaPhase.Undo, SagaStepResult.Succeeded(), at));
        Assert.Same(state, SagaEvaluator.Record(Definition, state, "nope", SagaPhase.Do, SagaStepResult.Succeeded(), at));
        Assert.Equal(["a:do:ok"], History(state));
    }

    [Fact]
    public async Task Record_FinishedSaga_ChangesNothing()
    {
        var (final, _) = await RunAsync();
        Assert.Same(final, SagaEvaluator.Record(Definition, final, "d", SagaPhase.Do, SagaStepResult.Failed("late"), _clock.GetUtcNow()));
        Assert.Equal(SagaDecision.Finish(SagaStatus.Completed, null), SagaEvaluator.Next(Definition, final));
    }

    [Fact]
    public async Task Abort_BeforePivotWhileStepIsRetried_UndoesTheRetriedStepAndTheCompletedOnes()
    {
        var at = _clock.GetUtcNow();
        var state = SagaState.Start("s1");
        foreach (var step in new[] { "a", "e" })
        {
            state = SagaEvaluator.Record(Definition, state, step, SagaPhase.Do, SagaStepResult.Succeeded(), at);
        }

        state = SagaEvaluator.Record(Definition, state, "b", SagaPhase.Do, SagaStepResult.Transient("busy"), at);
        state = SagaEvaluator.Abort(Definition, state, "stuck for 5 minutes");
        Assert.Equal(SagaStatus.Compensating, state.Status);

        var (final, _) = await RunAsync(state);
        Assert.Equal(SagaStatus.Compensated, final.Status);
        Assert.Equal("stuck for 5 minutes", final.Reason);
        Assert.Equal(["a:do:ok", "e:do:ok", "undo-b:undo:ok", "undo-a:undo:ok"], History(final));
        Assert.Equal(0, _steps["b"].Runs);
    }

    [Fact]
    public void Abort_BeforeAnyAttempt_CompensatesNothing()
    {
        var state = SagaEvaluator.Abort(Definition, SagaState.Start("s1"), "stuck");
        Assert.Equal(SagaStatus.Compensated, state.Status);
        Assert.Empty(state.Steps);
    }

    [Fact]
    public void Abort_AfterPivot_EndsCompletedWithoutUndoing()
    {
        var at = _clock.GetUtcNow();
        var state = SagaState.Start("s1");
        foreach (var step in new[] { "a", "e", "b", "c" })
        {
            state = SagaEvaluator.Record(Definition, state, step, SagaPhase.Do, SagaStepResult.Succeeded(), at);
        }

        var aborted = SagaEvaluator.Abort(Definition, state, "stuck");
        Assert.Equal(SagaStatus.Completed, aborted.Status);
        Assert.Equal(SagaDecisionKind.Finish, SagaEvaluator.Next(Definition, aborted).Kind);
    }

    [Fact]
    public async Task Abort_FinishedSaga_ChangesNothing()
    {
        Script("a", SagaStepResult.Failed("x"));
        var (final, _) = await RunAsync();
        Assert.Same(final, SagaEvaluator.Abort(Definition, final, "late"));
    }

    private sealed class HangingStep : ISagaStep
    {
        public async ValueTask<SagaStepResult> RunAsync(SagaStepContext context, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            return SagaStepResult.Succeeded();
        }
    }

    private sealed class ThrowingStep : ISagaStep
    {
        public ValueTask<SagaStepResult> RunAsync(SagaStepContext context, CancellationToken cancellationToken) =>
            throw new Portable.Core.Resilience.TransientException("service busy");
    }
}
