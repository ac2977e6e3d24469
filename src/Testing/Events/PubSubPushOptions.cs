namespace Portable.Testing;

/// <summary>Where a Pub/Sub delivery says it came from.</summary>
public sealed record PubSubPushOptions
{
    /// <summary>The Google Cloud project of the topic and the subscription.</summary>
    public string Project { get; init; } = "test-project";

    /// <summary>The topic's short name; default: the message's source.</summary>
    public string? Topic { get; init; }

    /// <summary>The subscription's short name; default: <c>{source}-push</c>.</summary>
    public string? Subscription { get; init; }

    /// <summary>When the topic received the message; default: the message's enqueue time, else <see cref="TestClock.Start"/>.</summary>
    public DateTimeOffset? PublishTime { get; init; }

    /// <summary>
    /// Whether the subscription has a dead-letter policy, the only case in which Pub/Sub sends <c>deliveryAttempt</c>
    /// (cloud.google.com/pubsub/docs/push); default: only when the delivery count is above 1, so that it arrives.
    /// </summary>
    public bool? HasDeadLetterPolicy { get; init; }
}
