namespace Portable.Core.Sagas;

/// <summary>
/// How often a step is attempted and how long to wait between attempts: the wait before attempt <c>n + 1</c> is
/// <c>FirstDelay × BackoffCoefficient^(n − 1)</c>. The same three numbers every orchestrator takes: Durable's
/// <c>RetryPolicy(maxNumberOfAttempts, firstRetryInterval, backoffCoefficient)</c>, a Step Functions <c>Retry</c>
/// (<c>MaxAttempts</c> there counts retries, so it is <see cref="MaxAttempts"/> − 1; <c>IntervalSeconds</c>,
/// <c>BackoffRate</c>) and a Workflows retry (<c>max_retries</c>, <c>initial_delay</c>, <c>multiplier</c>).
/// </summary>
public sealed record SagaRetryPolicy
{
    /// <summary>Attempts a step once, no retry.</summary>
    public static SagaRetryPolicy None { get; } = new(1, TimeSpan.Zero, 1);

    /// <summary>Creates a policy, validating each number.</summary>
    /// <param name="maxAttempts">Total attempts, the first included (1–100).</param>
    /// <param name="firstDelay">The wait before the second attempt (0–1 hour).</param>
    /// <param name="backoffCoefficient">The factor each further wait grows by (1–10).</param>
    public SagaRetryPolicy(int maxAttempts, TimeSpan firstDelay, double backoffCoefficient)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxAttempts, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(firstDelay, TimeSpan.FromHours(1));
        if (!(backoffCoefficient >= 1 && backoffCoefficient <= 10))
        {
            throw new ArgumentOutOfRangeException(nameof(backoffCoefficient), backoffCoefficient, "The backoff coefficient must be from 1 to 10.");
        }

        MaxAttempts = maxAttempts;
        FirstDelay = firstDelay;
        BackoffCoefficient = backoffCoefficient;
    }

    /// <summary>Total attempts, the first included.</summary>
    public int MaxAttempts { get; }

    /// <summary>The wait before the second attempt.</summary>
    public TimeSpan FirstDelay { get; }

    /// <summary>The factor each further wait grows by.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>The wait after attempt <paramref name="attemptsMade"/> (≥ 1) before the next one.</summary>
    public TimeSpan DelayAfter(int attemptsMade)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attemptsMade, 1);
        return TimeSpan.FromTicks((long)(FirstDelay.Ticks * Math.Pow(BackoffCoefficient, attemptsMade - 1)));
    }
}
