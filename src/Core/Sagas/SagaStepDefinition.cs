namespace Portable.Core.Sagas;

/// <summary>One forward step of a <see cref="SagaDefinition"/>.</summary>
/// <param name="Name">The step's handler name, unique in the saga.</param>
/// <param name="Compensation">The handler that undoes it, or null when there is nothing to undo.</param>
/// <param name="Retry">Attempts and waits, for the step and for its compensation.</param>
/// <param name="Timeout">How long one attempt may take before it counts as a transient failure.</param>
/// <param name="IsPivot">True for the go/no-go step: once it succeeds the saga only moves forward.</param>
/// <param name="IsAfterPivot">True for a step after the pivot: retried, never compensated, its failure recorded and passed.</param>
public sealed record SagaStepDefinition(
    string Name,
    string? Compensation,
    SagaRetryPolicy Retry,
    TimeSpan Timeout,
    bool IsPivot,
    bool IsAfterPivot);
