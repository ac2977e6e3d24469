namespace Portable.Core.Events;

/// <summary>How an event function takes its events.</summary>
public sealed record EventTriggerOptions
{
    /// <summary>
    /// Picks the idempotency key from an event; default (or when it returns null): the event's id. A key taken from
    /// the content (an order id and the event type, say) also catches a copy the bus gave a new id, as EventBridge
    /// does when a publish is retried.
    /// </summary>
    public Func<PortableEvent, string?>? IdempotencyKey { get; init; }

    /// <summary>Turn the idempotency middleware off for this function (it is on by default), for a handler idempotent by itself.</summary>
    public bool DisableIdempotency { get; init; }

    /// <summary>
    /// How long one delivery may take at most, for the function timeout the deployment files set (Lambda's
    /// <c>Timeout</c>); null leaves the platform's default the generator writes. A handler that retries inside one
    /// delivery (a choreographed saga step waiting through its attempts) needs more than one attempt's time.
    /// </summary>
    public TimeSpan? Timeout
    {
        get;
        init
        {
            if (value is { } timeout)
            {
                ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(Timeout));
            }

            field = value;
        }
    }
}
