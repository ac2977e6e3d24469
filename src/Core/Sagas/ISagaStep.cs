namespace Portable.Core.Sagas;

/// <summary>
/// A saga step or compensation: a plain handler any orchestrator can call. It must be idempotent by
/// (<see cref="SagaStepContext.SagaId"/>, <see cref="SagaStepContext.Step"/>, <see cref="SagaStepContext.Phase"/>):
/// a delivery repeated after a crash or a lost reply must not do its work twice.
/// </summary>
public interface ISagaStep
{
    /// <summary>Runs one attempt. A fault that may pass is <see cref="SagaStepResult.Transient"/>, not an exception.</summary>
    ValueTask<SagaStepResult> RunAsync(SagaStepContext context, CancellationToken cancellationToken);
}
