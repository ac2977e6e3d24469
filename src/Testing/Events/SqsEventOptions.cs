namespace Portable.Testing;

/// <summary>Where an SQS event says its messages came from.</summary>
public sealed record SqsEventOptions
{
    /// <summary>The account in the queue's ARN.</summary>
    public string AccountId { get; init; } = "123456789012";

    /// <summary>The queue's region (<c>awsRegion</c>, and in the ARN).</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>When the event source mapping received the messages (default <see cref="TestClock.Start"/>); also their send time when they carry none.</summary>
    public DateTimeOffset? ReceivedAt { get; init; }
}
