namespace Portable.Core.Messaging;

/// <summary>
/// How one cloud's queue source delivers, as data: the documented defaults with their sources. The local
/// emulators apply these numbers and <c>portable compare</c> prints them side by side.
/// </summary>
/// <param name="Key">A short stable name, e.g. <c>aws-sqs</c>.</param>
/// <param name="Platform">What delivers: "AWS Lambda ← SQS (standard queue)".</param>
/// <param name="BatchSize">Messages per invocation by default.</param>
/// <param name="MaxBatchSize">The largest batch the platform allows.</param>
/// <param name="VisibilityTimeout">How long a delivered message stays hidden (visibility, lock or ack deadline).</param>
/// <param name="MaxDeliveries">Deliveries before the platform dead-letters (null: unlimited until retention ends).</param>
/// <param name="RetryDelay">How long the platform waits before redelivering a failed message (the first time).</param>
/// <param name="MaxRetryDelay">The longest redelivery delay with backoff (equal to <paramref name="RetryDelay"/> when there is none).</param>
/// <param name="MaxPayloadBytes">The largest message.</param>
/// <param name="PartialBatchFailure">How a partial failure is reported.</param>
/// <param name="DeadLetterTarget">Where dead letters go.</param>
/// <param name="Ordering">What order is kept.</param>
/// <param name="Sources">Where the numbers come from.</param>
public sealed record DeliveryProfile(
    string Key,
    string Platform,
    int BatchSize,
    int MaxBatchSize,
    TimeSpan VisibilityTimeout,
    int? MaxDeliveries,
    TimeSpan RetryDelay,
    TimeSpan MaxRetryDelay,
    int MaxPayloadBytes,
    string PartialBatchFailure,
    string DeadLetterTarget,
    string Ordering,
    string Sources)
{
    /// <summary>
    /// AWS Lambda polling an SQS standard queue. SQS has no default dead-letter queue; the project's generated
    /// SAM template sets a redrive policy with <c>maxReceiveCount</c> 5, which is the number used here.
    /// </summary>
    public static DeliveryProfile AwsSqs { get; } = new(
        "aws-sqs",
        "AWS Lambda <- SQS standard queue (event source mapping)",
        BatchSize: 10,
        MaxBatchSize: 10_000,
        VisibilityTimeout: TimeSpan.FromSeconds(30),
        MaxDeliveries: 5,
        RetryDelay: TimeSpan.FromSeconds(30),
        MaxRetryDelay: TimeSpan.FromSeconds(30),
        MaxPayloadBytes: 1024 * 1024,
        PartialBatchFailure: "batchItemFailures in the response (ReportBatchItemFailures); failed ids reappear after the visibility timeout",
        DeadLetterTarget: "the queue's redrive policy: {queue}-dlq after maxReceiveCount receives (set to 5 in the generated template)",
        Ordering: "none (FIFO queues: per MessageGroupId)",
        Sources: "docs.aws.amazon.com/lambda/latest/dg/services-sqs-parameters.html (batch 10, max 10,000); SQS quotas-messages (visibility 30 s default, max message 1 MiB); protocols/README.md 1e");

    /// <summary>Azure Functions storage-queue trigger (one message per invocation).</summary>
    public static DeliveryProfile AzureStorageQueue { get; } = new(
        "azure-storage-queue",
        "Azure Functions <- Storage Queue (queueTrigger)",
        BatchSize: 1,
        MaxBatchSize: 1,
        VisibilityTimeout: TimeSpan.FromMinutes(10),
        MaxDeliveries: 5,
        RetryDelay: TimeSpan.Zero,
        MaxRetryDelay: TimeSpan.Zero,
        MaxPayloadBytes: 64 * 1024,
        PartialBatchFailure: "one message per invocation: a non-2xx answer fails it",
        DeadLetterTarget: "{queue}-poison after maxDequeueCount (5) dequeues",
        Ordering: "none",
        Sources: "functions-bindings-storage-queue-trigger.md (maxDequeueCount 5, visibilityTimeout 0, batchSize 16 fetched but one per invocation); storage-queues-introduction (64 KB); protocols/README.md 1c, 1e");

    /// <summary>Azure Functions Service Bus trigger (one message per invocation; described for comparison, not served: the worker extension is not available here).</summary>
    public static DeliveryProfile AzureServiceBus { get; } = new(
        "azure-service-bus",
        "Azure Functions <- Service Bus queue (serviceBusTrigger)",
        BatchSize: 1,
        MaxBatchSize: 1,
        VisibilityTimeout: TimeSpan.FromMinutes(1),
        MaxDeliveries: 10,
        RetryDelay: TimeSpan.Zero,
        MaxRetryDelay: TimeSpan.Zero,
        MaxPayloadBytes: 256 * 1024,
        PartialBatchFailure: "one message per invocation: a non-2xx answer abandons it",
        DeadLetterTarget: "the entity's $DeadLetterQueue subqueue after MaxDeliveryCount (10)",
        Ordering: "none (sessions give FIFO per session)",
        Sources: "Service Bus MaxDeliveryCount (default 10), LockDuration (default 1 min); protocols/README.md 1c, 1e ([U] for 256 KB on Standard)");

    /// <summary>Cloud Run receiving Pub/Sub push deliveries with a dead-letter topic configured.</summary>
    public static DeliveryProfile GcpPubSubPush { get; } = new(
        "gcp-pubsub-push",
        "Cloud Run <- Pub/Sub push subscription",
        BatchSize: 1,
        MaxBatchSize: 1,
        VisibilityTimeout: TimeSpan.FromSeconds(10),
        MaxDeliveries: 5,
        RetryDelay: TimeSpan.FromSeconds(10),
        MaxRetryDelay: TimeSpan.FromSeconds(600),
        MaxPayloadBytes: 10 * 1024 * 1024,
        PartialBatchFailure: "one message per push request: 102/200/201/202/204 acks, anything else nacks",
        DeadLetterTarget: "the subscription's dead-letter topic after maxDeliveryAttempts (default 5, range 5-100)",
        Ordering: "none unless ordering keys and enableMessageOrdering",
        Sources: "cloud.google.com/pubsub/docs/push (ack codes, ackDeadlineSeconds 10 default); DeadLetterPolicy and RetryPolicy reference (5 attempts; backoff 10-600 s); protocols/README.md 1d, 1e ([U] for 10 MB)");

    /// <summary>The embedded local host's durable SQLite queue.</summary>
    public static DeliveryProfile Local { get; } = new(
        "local",
        "Portable local host <- SQLite durable queue",
        BatchSize: 10,
        MaxBatchSize: 100,
        VisibilityTimeout: TimeSpan.FromSeconds(30),
        MaxDeliveries: 5,
        RetryDelay: TimeSpan.FromMilliseconds(100),
        MaxRetryDelay: TimeSpan.FromSeconds(5),
        MaxPayloadBytes: 1024 * 1024,
        PartialBatchFailure: "per-message ack, retry or dead-letter",
        DeadLetterTarget: "the local dead-letter table, listed and redriven with `portable queue` or /_local/queues/{queue}/dead-letters",
        Ordering: "enqueue order within a batch; none across retries",
        Sources: "Portable's own choice: SQS-like batch and visibility, Storage-Queue-like 5 deliveries, short backoff for a fast local loop");

    /// <summary>Every profile, for side-by-side printing.</summary>
    public static IReadOnlyList<DeliveryProfile> All { get; } = [Local, AwsSqs, AzureStorageQueue, AzureServiceBus, GcpPubSubPush];

    /// <summary>The delay before redelivery number <paramref name="deliveryCount"/> + 1: exponential from <see cref="RetryDelay"/>, capped.</summary>
    public TimeSpan BackoffAfter(int deliveryCount)
    {
        if (RetryDelay <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        var factor = Math.Pow(2, Math.Clamp(deliveryCount, 1, 21) - 1);
        var delay = TimeSpan.FromTicks((long)Math.Min(RetryDelay.Ticks * factor, MaxRetryDelay.Ticks));
        return delay;
    }
}
