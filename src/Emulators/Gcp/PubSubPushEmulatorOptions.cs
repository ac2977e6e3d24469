using Portable.Core.Messaging;

namespace Portable.Emulators.Gcp;

/// <summary>
/// One topic with one push subscription, as <see cref="PubSubPushEmulator"/> plays it. The defaults are
/// <see cref="DeliveryProfile.GcpPubSubPush"/>'s documented numbers (ack deadline 10 s, backoff 10–600 s, 5 delivery
/// attempts before the dead-letter topic).
/// </summary>
public sealed record PubSubPushEmulatorOptions
{
    /// <summary>The project in resource names (<c>projects/{ProjectId}/topics/…</c>).</summary>
    public string ProjectId { get; init; } = "local-project";

    /// <summary>The topic the subscription is attached to.</summary>
    public required string Topic { get; init; }

    /// <summary>The subscription's name; <c>{Topic}-push</c> when null.</summary>
    public string? Subscription { get; init; }

    /// <summary>Where each message is pushed (the subscription's <c>pushEndpoint</c>).</summary>
    public required Uri PushEndpoint { get; init; }

    /// <summary>
    /// The dead-letter policy's topic, or null for no policy: then <c>deliveryAttempt</c> is not sent and a message is
    /// retried for ever (real Pub/Sub: until retention ends, 7 days by default).
    /// </summary>
    public string? DeadLetterTopic { get; init; }

    /// <summary>The dead-letter policy's <c>maxDeliveryAttempts</c>: 5 by default, 5 to 100 (DeadLetterPolicy reference).</summary>
    public int MaxDeliveryAttempts { get; init; } = DeliveryProfile.GcpPubSubPush.MaxDeliveries ?? 5;

    /// <summary>The retry policy's <c>minimumBackoff</c> (default 10 s, 0–600 s).</summary>
    public TimeSpan MinimumBackoff { get; init; } = DeliveryProfile.GcpPubSubPush.RetryDelay;

    /// <summary>The retry policy's <c>maximumBackoff</c> (default 600 s, 0–600 s).</summary>
    public TimeSpan MaximumBackoff { get; init; } = DeliveryProfile.GcpPubSubPush.MaxRetryDelay;

    /// <summary>The subscription's <c>ackDeadlineSeconds</c>, which is also the push request's timeout (default 10 s, 10–600 s).</summary>
    public TimeSpan AckDeadline { get; init; } = DeliveryProfile.GcpPubSubPush.VisibilityTimeout;

    /// <summary>The clock for publish times, backoff and the ack deadline; a fake one lets tests skip the waits.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The loopback port of the REST publish API; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// How many pushes may be in flight at once (1 by default: one after another). Pub/Sub push has many requests
    /// outstanding, up to its flow-control window; a Cloud Run service takes them concurrently.
    /// </summary>
    public int MaxOutstandingPushes { get; init; } = 1;

    /// <summary>
    /// The probability (0 to 1, 0 by default: no duplicates) that an acked message is pushed once more with the same
    /// message id, as Pub/Sub's at-least-once delivery occasionally does. Each message is duplicated at most once.
    /// </summary>
    public double DuplicateDeliveryRate { get; init; }

    /// <summary>The seed of the random choice of duplicates, so a run can be repeated.</summary>
    public int RandomSeed { get; init; }

    /// <summary>How each push is put on the wire: Pub/Sub's wrapped envelope (the default) or Eventarc's binary-mode CloudEvent.</summary>
    public PushFormat Format { get; init; } = PushFormat.Wrapped;

    /// <summary>Throws naming the first value out of its documented range.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Topic);
        ArgumentNullException.ThrowIfNull(PushEndpoint);
        ArgumentNullException.ThrowIfNull(TimeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDeliveryAttempts, 5, nameof(MaxDeliveryAttempts));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxDeliveryAttempts, 100, nameof(MaxDeliveryAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumBackoff, TimeSpan.Zero, nameof(MinimumBackoff));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaximumBackoff, TimeSpan.FromSeconds(600), nameof(MaximumBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumBackoff, MinimumBackoff, nameof(MaximumBackoff));
        ArgumentOutOfRangeException.ThrowIfLessThan(AckDeadline, TimeSpan.FromSeconds(10), nameof(AckDeadline));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(AckDeadline, TimeSpan.FromSeconds(600), nameof(AckDeadline));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOutstandingPushes, 1, nameof(MaxOutstandingPushes));
        if (DuplicateDeliveryRate is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(DuplicateDeliveryRate), DuplicateDeliveryRate, "The rate must be from 0 to 1.");
        }
    }
}
