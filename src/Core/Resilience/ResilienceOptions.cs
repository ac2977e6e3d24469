namespace Portable.Core.Resilience;

/// <summary>
/// The settings of one named resilience pipeline (total timeout → retry → circuit breaker → attempt timeout).
/// The defaults are those of Microsoft.Extensions.Http.Resilience's standard handler (HttpStandardResilienceOptions:
/// 30 s total, 10 s per attempt) over Polly.Core 8's documented option defaults (3 retries, 2 s base delay, failure
/// ratio 0.1, throughput 100, 30 s sampling, 5 s break); <see cref="MaxDelay"/> equals the total timeout, so no
/// single wait can outlast the whole call. The lower bounds <see cref="Validate"/> enforces are Polly.Core 8's
/// own option ranges, so a pipeline that passes validation always builds.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Polly's smallest timeout (TimeoutStrategyOptions.Timeout must exceed 10 ms).</summary>
    public static readonly TimeSpan MinimumTimeout = TimeSpan.FromMilliseconds(10);

    /// <summary>Polly's smallest sampling and break durations (CircuitBreakerStrategyOptions: at least 0.5 s).</summary>
    public static readonly TimeSpan MinimumBreakerWindow = TimeSpan.FromMilliseconds(500);

    /// <summary>Polly's upper bound for every timeout, delay and breaker window: one day.</summary>
    public static readonly TimeSpan MaximumSpan = TimeSpan.FromDays(1);

    /// <summary>The whole call, every retry and delay included, must finish within this. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Each single attempt must finish within this, so one hung call can be retried; null for none. Default 10 s.</summary>
    public TimeSpan? AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first call, for transient faults only; 0 turns retrying off. Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>The delay before the first retry; each later one doubles it. Default 2 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>No retry waits longer than this (a server's Retry-After included). Default 30 s, the total timeout.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Spread each delay randomly over [d, 2d) (capped at <see cref="MaxDelay"/>) so callers do not retry in step. Default true.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>The share of transient failures in <see cref="SamplingDuration"/> that opens the circuit, in (0, 1]. Default 0.1.</summary>
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>Calls needed in <see cref="SamplingDuration"/> before the ratio counts; at least 2. Default 100.</summary>
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>The window over which the failure ratio is measured. Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an open circuit rejects calls before letting one trial call through (half-open). Default 5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A copy, so one pipeline's settings can start from another's.</summary>
    public ResilienceOptions Clone() => (ResilienceOptions)MemberwiseClone();

    /// <summary>Every problem with these settings, one message per bad field naming it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Timeout < MinimumTimeout || Timeout > MaximumSpan)
        {
            errors.Add($"{nameof(Timeout)} must be more than {MinimumTimeout.TotalMilliseconds} ms and at most one day (was {Timeout}).");
        }

        if (AttemptTimeout is { } attempt)
        {
            if (attempt < MinimumTimeout || attempt > MaximumSpan)
            {
                errors.Add($"{nameof(AttemptTimeout)} must be more than {MinimumTimeout.TotalMilliseconds} ms and at most one day, or null for none (was {attempt}).");
            }
            else if (attempt > Timeout && Timeout >= MinimumTimeout && Timeout <= MaximumSpan)
            {
                errors.Add($"{nameof(AttemptTimeout)} ({attempt}) must not exceed {nameof(Timeout)} ({Timeout}): a single attempt could never time out on its own.");
            }
        }

        if (MaxRetryAttempts < 0)
        {
            errors.Add($"{nameof(MaxRetryAttempts)} must be 0 or more (was {MaxRetryAttempts}).");
        }

        if (BaseDelay < TimeSpan.Zero || BaseDelay > MaximumSpan)
        {
            errors.Add($"{nameof(BaseDelay)} must be between zero and one day (was {BaseDelay}).");
        }

        if (MaxDelay < TimeSpan.Zero || MaxDelay > MaximumSpan)
        {
            errors.Add($"{nameof(MaxDelay)} must be between zero and one day (was {MaxDelay}).");
        }
        else if (MaxDelay < BaseDelay)
        {
            errors.Add($"{nameof(MaxDelay)} ({MaxDelay}) must not be less than {nameof(BaseDelay)} ({BaseDelay}).");
        }

        if (double.IsNaN(FailureRatio) || FailureRatio <= 0 || FailureRatio > 1)
        {
            errors.Add($"{nameof(FailureRatio)} must be more than 0 and at most 1 (was {FailureRatio}).");
        }

        if (MinimumThroughput < 2)
        {
            errors.Add($"{nameof(MinimumThroughput)} must be 2 or more (was {MinimumThroughput}).");
        }

        if (SamplingDuration < MinimumBreakerWindow || SamplingDuration > MaximumSpan)
        {
            errors.Add($"{nameof(SamplingDuration)} must be at least {MinimumBreakerWindow.TotalSeconds} s and at most one day (was {SamplingDuration}).");
        }

        if (BreakDuration < MinimumBreakerWindow || BreakDuration > MaximumSpan)
        {
            errors.Add($"{nameof(BreakDuration)} must be at least {MinimumBreakerWindow.TotalSeconds} s and at most one day (was {BreakDuration}).");
        }

        return errors;
    }

    /// <summary>Throws <see cref="ResilienceOptionsException"/> listing every problem when the settings are invalid.</summary>
    public void ThrowIfInvalid(string pipelineName)
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new ResilienceOptionsException(pipelineName, errors);
        }
    }
}
