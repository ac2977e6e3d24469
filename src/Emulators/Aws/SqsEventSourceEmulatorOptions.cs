using Portable.Core.Messaging;

namespace Portable.Emulators.Aws;

/// <summary>Settings of a <see cref="SqsEventSourceEmulator"/>; defaults from <see cref="DeliveryProfile.AwsSqs"/>.</summary>
public sealed record SqsEventSourceEmulatorOptions
{
    /// <summary>The queue the function is mapped to; a name ending with <c>.fifo</c> makes it a FIFO queue.</summary>
    public required string QueueName { get; init; }

    /// <summary>
    /// For a FIFO queue: a message sent without a deduplication id is deduplicated by the SHA-256 of its body (the
    /// queue attribute <c>ContentBasedDeduplication</c>). Without it such a send is refused, as SQS refuses it.
    /// </summary>
    public bool ContentBasedDeduplication { get; init; }

    /// <summary>Messages per invocation (the mapping's <c>BatchSize</c>; use the trigger's).</summary>
    public int BatchSize { get; init; } = DeliveryProfile.AwsSqs.BatchSize;

    /// <summary>How long a received message stays invisible.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = DeliveryProfile.AwsSqs.VisibilityTimeout;

    /// <summary>The redrive policy's <c>maxReceiveCount</c>.</summary>
    public int MaxReceiveCount { get; init; } = DeliveryProfile.AwsSqs.MaxDeliveries ?? 5;

    /// <summary>The function timeout given to each invocation.</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for visibility and timestamps.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The region in ARNs and <c>awsRegion</c>.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>The account in ARNs and queue URLs.</summary>
    public string AccountId { get; init; } = "123456789012";

    /// <summary>The loopback port of the SQS endpoint; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// How many <see cref="SqsEventSourceEmulator.PollOnceAsync"/> calls may run at once (1 by default: one batch in
    /// flight). Lambda's mapping polls with several pollers (five to begin with), each batch going to a free
    /// execution environment; more than 1 only helps with as many runtimes polling the Runtime API.
    /// </summary>
    public int MaxConcurrentPolls { get; init; } = 1;

    /// <summary>
    /// The probability (0 to 1, 0 by default: no duplicates) that a message the function succeeded with, and the
    /// mapping deleted, is delivered once more with the same message id after the visibility timeout: SQS standard
    /// queues deliver at least once, and a delete can miss a stored copy. Each message is duplicated at most once.
    /// </summary>
    public double DuplicateDeliveryRate { get; init; }

    /// <summary>The seed of the random choice of duplicates, so a run can be repeated.</summary>
    public int RandomSeed { get; init; }
}
