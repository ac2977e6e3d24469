namespace Portable.Emulators.Aws;

/// <summary>How one delivery attempt of an event to a target ended.</summary>
public enum EventBridgeDeliveryOutcome
{
    /// <summary>The target took the event (the function answered, the queue took the message).</summary>
    Delivered,

    /// <summary>The attempt failed; the event will be delivered again under the target's retry policy.</summary>
    Failed,

    /// <summary>The attempt failed and the retries are spent: the event went to the target's dead-letter queue.</summary>
    DeadLettered,

    /// <summary>The attempt failed, the retries are spent and the target has no dead-letter queue: the event is gone.</summary>
    Dropped,
}
