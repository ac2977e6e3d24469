using System.Text.Json;
using Portable.Core.Sagas;

namespace Portable.Core.Tests.Sagas;

public sealed class SagaDefinitionTests
{
    [Fact]
    public void Build_StepsAndPivot_KeepsOrderCompensationsPoliciesAndPivotMarks()
    {
        var definition = SagaDefinition.Create("s")
            .Step("a", s => s.CompensateWith("undo-a").Retry(3, TimeSpan.FromSeconds(1), 2).Timeout(TimeSpan.FromSeconds(10)))
            .Pivot("b")
            .Step("c")
            .Build();

        Assert.Equal(["a", "b", "c"], definition.Steps.Select(s => s.Name));
        Assert.Equal(1, definition.PivotIndex);
        Assert.Equal([false, true, false], definition.Steps.Select(s => s.IsPivot));
        Assert.Equal([false, false, true], definition.Steps.Select(s => s.IsAfterPivot));
        Assert.Equal(new SagaRetryPolicy(3, TimeSpan.FromSeconds(1), 2), definition.Steps[0].Retry);
        Assert.Equal(TimeSpan.FromSeconds(10), definition.Steps[0].Timeout);
        Assert.Equal(SagaRetryPolicy.None, definition.Steps[1].Retry);
        Assert.True(definition.TryFindHandler("undo-a", out var owner, out var phase));
        Assert.Equal(("a", SagaPhase.Undo), (owner.Name, phase));
        Assert.False(definition.TryFindHandler("x", out _, out _));
        Assert.Equal(["a", "undo-a", "b", "c"], definition.HandlerNames);
    }

    [Fact]
    public void Build_NoPivot_EveryStepCompensable()
    {
        var definition = SagaDefinition.Create("s").Step("a").Step("b").Build();
        Assert.Equal(-1, definition.PivotIndex);
        Assert.DoesNotContain(definition.Steps, s => s.IsAfterPivot);
    }

    [Fact]
    public void Build_CompensationAfterPivot_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SagaDefinition.Create("s").Pivot("a").Step("b", s => s.CompensateWith("undo-b")).Build());
        Assert.Contains("'b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_SecondPivot_Throws() =>
        Assert.Throws<InvalidOperationException>(() => SagaDefinition.Create("s").Pivot("a").Pivot("b").Build());

    [Fact]
    public void Build_HandlerNameUsedTwice_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => SagaDefinition.Create("s").Step("a", s => s.CompensateWith("x")).Step("x").Build());
        Assert.Contains("'x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoStep_Throws() => Assert.Throws<InvalidOperationException>(() => SagaDefinition.Create("s").Build());

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(101, 1, 1)]
    [InlineData(3, -1, 1)]
    [InlineData(3, 1, 0.5)]
    [InlineData(3, 1, 11)]
    public void RetryPolicy_OutOfRange_Throws(int attempts, int delaySeconds, double coefficient) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SagaRetryPolicy(attempts, TimeSpan.FromSeconds(delaySeconds), coefficient));

    [Fact]
    public void RetryPolicy_DelayAfter_GrowsByTheCoefficient()
    {
        var policy = new SagaRetryPolicy(5, TimeSpan.FromMilliseconds(500), 3);
        Assert.Equal([500, 1500, 4500, 13500], Enumerable.Range(1, 4).Select(n => policy.DelayAfter(n).TotalMilliseconds));
    }

    [Fact]
    public void Timeout_NotPositiveOrOverFifteenMinutes_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => SagaDefinition.Create("s").Step("a", s => s.Timeout(TimeSpan.Zero)));
        Assert.Throws<ArgumentOutOfRangeException>(() => SagaDefinition.Create("s").Step("a", s => s.Timeout(TimeSpan.FromMinutes(16))));
    }

    [Fact]
    public void SagaState_Json_RoundTripsWithLowercaseNames()
    {
        var at = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
        var state = new SagaState
        {
            SagaId = "s1",
            Status = SagaStatus.Compensating,
            Reason = "b: declined",
            Steps = [new SagaStepRecord("a", SagaPhase.Do, SagaStepOutcome.Succeeded, 1, at), new SagaStepRecord("undo-a", SagaPhase.Undo, SagaStepOutcome.Failed, 2, at, "x")],
            Current = new SagaAttempt("undo-a", SagaPhase.Undo, 1, "busy", at),
        };
        var json = JsonSerializer.Serialize(state, SagaJsonContext.Default.SagaState);
        Assert.Contains("\"status\":\"compensating\"", json, StringComparison.Ordinal);
        Assert.Contains("\"phase\":\"undo\"", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"succeeded\"", json, StringComparison.Ordinal);
        var back = JsonSerializer.Deserialize(json, SagaJsonContext.Default.SagaState)!;
        Assert.Equal(state.Steps, back.Steps);
        Assert.Equal(state with { Steps = back.Steps }, back);
    }
}
