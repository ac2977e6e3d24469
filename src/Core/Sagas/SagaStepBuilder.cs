namespace Portable.Core.Sagas;

/// <summary>Configures one step of a <see cref="SagaDefinitionBuilder"/>.</summary>
public sealed class SagaStepBuilder
{
    /// <summary>The per-attempt timeout when none is given.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    internal SagaStepBuilder(string name) => Name = name;

    internal string Name { get; }

    internal string? Compensation { get; private set; }

    internal SagaRetryPolicy RetryPolicy { get; private set; } = SagaRetryPolicy.None;

    internal TimeSpan StepTimeout { get; private set; } = DefaultTimeout;

    /// <summary>Names the handler that undoes this step.</summary>
    public SagaStepBuilder CompensateWith(string compensation)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(compensation);
        Compensation = compensation;
        return this;
    }

    /// <summary>Retries the step (and its compensation) per the given numbers; see <see cref="SagaRetryPolicy"/>.</summary>
    public SagaStepBuilder Retry(int maxAttempts, TimeSpan firstDelay, double backoffCoefficient = 2)
    {
        RetryPolicy = new SagaRetryPolicy(maxAttempts, firstDelay, backoffCoefficient);
        return this;
    }

    /// <summary>Limits one attempt to <paramref name="timeout"/> (more than zero, at most 15 minutes, Lambda's longest run).</summary>
    public SagaStepBuilder Timeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromMinutes(15));
        StepTimeout = timeout;
        return this;
    }
}
