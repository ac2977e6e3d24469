namespace Portable.Emulators.Gcp;

/// <summary>One push: which message, which attempt, what the endpoint answered, and what the emulator did.</summary>
/// <param name="MessageId">The message.</param>
/// <param name="DeliveryAttempt">1 for the first push, counting up with each nack.</param>
/// <param name="StatusCode">The endpoint's status, or null when it gave none (connection failure, ack deadline).</param>
/// <param name="Outcome">Ack, nack or dead-letter.</param>
/// <param name="Error">Why there was no status, when there was none.</param>
/// <param name="At">When the push finished, by the emulator's clock.</param>
public sealed record PushAttempt(string MessageId, int DeliveryAttempt, int? StatusCode, PushOutcome Outcome, string? Error, DateTimeOffset At)
{
    /// <summary>True when the ack was taken but the message was queued for one more push (<see cref="PubSubPushEmulatorOptions.DuplicateDeliveryRate"/>).</summary>
    public bool Duplicated { get; init; }

    /// <summary>The subscription that pushed it, <c>projects/P/subscriptions/S</c>.</summary>
    public string Subscription { get; init; } = string.Empty;
}
