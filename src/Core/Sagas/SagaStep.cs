namespace Portable.Core.Sagas;

/// <summary>Makes an <see cref="ISagaStep"/> of a method, so that one class can hold a saga's related handlers.</summary>
public static class SagaStep
{
    /// <summary>A step that calls <paramref name="run"/>.</summary>
    public static ISagaStep From(Func<SagaStepContext, CancellationToken, ValueTask<SagaStepResult>> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return new DelegateStep(run);
    }

    private sealed class DelegateStep(Func<SagaStepContext, CancellationToken, ValueTask<SagaStepResult>> run) : ISagaStep
    {
        public ValueTask<SagaStepResult> RunAsync(SagaStepContext context, CancellationToken cancellationToken) => run(context, cancellationToken);
    }
}
