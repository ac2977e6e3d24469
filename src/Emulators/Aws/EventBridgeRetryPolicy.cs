namespace Portable.Emulators.Aws;

/// <summary>
/// How often, and for how long, the <see cref="EventBridgeEmulator"/> delivers an event to a target again after a
/// failed delivery: a target's <c>RetryPolicy</c> (<c>MaximumRetryAttempts</c> 0–185, <c>MaximumEventAgeInSeconds</c>
/// 60–86,400). Delivery stops at whichever limit comes first; the waits grow exponentially from
/// <see cref="FirstDelay"/> with full jitter.
/// </summary>
/// <param name="MaximumRetryAttempts">Deliveries after the first.</param>
/// <param name="MaximumEventAge">How long after it was put an event is still retried.</param>
/// <param name="FirstDelay">The cap of the wait before the first retry, doubled for each one after it.</param>
public sealed record EventBridgeRetryPolicy(int MaximumRetryAttempts, TimeSpan MaximumEventAge, TimeSpan FirstDelay)
{
    /// <summary>
    /// EventBridge's own default: 185 retries within 24 hours, with exponential backoff and jitter
    /// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html). EventBridge does not
    /// publish the first wait; 1 s is this model's.
    /// </summary>
    public static EventBridgeRetryPolicy AwsDefault { get; } = new(185, TimeSpan.FromHours(24), TimeSpan.FromSeconds(1));

    /// <summary>The emulator's default, small so tests are fast: 2 retries within 5 minutes, the first after at most 50 ms.</summary>
    public static EventBridgeRetryPolicy ForTests { get; } = new(2, TimeSpan.FromMinutes(5), TimeSpan.FromMilliseconds(50));

    /// <summary>Checks the limits EventBridge enforces on a target's policy.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside EventBridge's range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaximumRetryAttempts);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaximumRetryAttempts, 185);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumEventAge, TimeSpan.FromSeconds(60));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaximumEventAge, TimeSpan.FromHours(24));
        ArgumentOutOfRangeException.ThrowIfNegative(FirstDelay.Ticks, nameof(FirstDelay));
    }
}
