using Portable.Core.Sagas;
using Portable.Core.State;

namespace Portable.Core.Tests.Sagas;

public sealed class IdempotentSagaStepTests
{
    [Fact]
    public async Task IdempotentStep_RepeatedDelivery_RunsOnceAndReplaysResult()
    {
        var store = new InMemoryStateStore(TimeProvider.System);
        var inner = new ScriptedStep(SagaStepResult.Failed("declined"));
        var step = new IdempotentSagaStep(inner, store);
        var context = new SagaStepContext("o1", "charge", SagaPhase.Do, 1, default);

        Assert.Equal(SagaStepResult.Failed("declined"), await step.RunAsync(context, default));
        Assert.Equal(SagaStepResult.Failed("declined"), await step.RunAsync(context with { Attempt = 2 }, default));
        Assert.Equal(1, inner.Runs);
        await step.RunAsync(context with { Phase = SagaPhase.Undo }, default);
        await step.RunAsync(context with { SagaId = "o2" }, default);
        Assert.Equal(3, inner.Runs);
    }

    [Fact]
    public async Task IdempotentStep_Transient_IsNotStoredSoTheRetryRuns()
    {
        var store = new InMemoryStateStore(TimeProvider.System);
        var inner = new ScriptedStep(SagaStepResult.Transient("busy"), SagaStepResult.Succeeded());
        var step = new IdempotentSagaStep(inner, store);
        var context = new SagaStepContext("o1", "charge", SagaPhase.Do, 1, default);

        Assert.Equal(SagaStepResultKind.Transient, (await step.RunAsync(context, default)).Kind);
        Assert.Equal(SagaStepResult.Succeeded(), await step.RunAsync(context, default));
        Assert.Equal(SagaStepResult.Succeeded(), await step.RunAsync(context, default));
        Assert.Equal(2, inner.Runs);
    }
}
