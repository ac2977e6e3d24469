namespace Portable.Emulators.Aws;

/// <summary>
/// Where a rule of the <see cref="EventBridgeEmulator"/> sends the events it matches: a Lambda function (invoked
/// asynchronously through its <see cref="LambdaRuntimeApiEmulator"/>, with the event as the payload) or an SQS queue of
/// a <see cref="SqsEventSourceEmulator"/> (the event as the message body), with an optional dead-letter queue and retry
/// policy of its own.
/// </summary>
public sealed record EventBridgeTarget
{
    private EventBridgeTarget(string id)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        Id = id;
    }

    /// <summary>The target's id within its rule.</summary>
    public string Id { get; }

    /// <summary>The function, for a Lambda target.</summary>
    public LambdaRuntimeApiEmulator? Function { get; private init; }

    /// <summary>How long an invocation of the function may take, for a Lambda target.</summary>
    public TimeSpan FunctionTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The queue's emulator, for an SQS target.</summary>
    public SqsEventSourceEmulator? Queue { get; private init; }

    /// <summary>The queue within <see cref="Queue"/>, for an SQS target.</summary>
    public string? QueueName { get; private init; }

    /// <summary>Where an event goes once its retries are spent: an SQS queue (the emulator and the queue's name); null drops it.</summary>
    public (SqsEventSourceEmulator Emulator, string QueueName)? DeadLetterQueue { get; init; }

    /// <summary>The target's retry policy; null uses <see cref="EventBridgeEmulatorOptions.RetryPolicy"/>.</summary>
    public EventBridgeRetryPolicy? RetryPolicy { get; init; }

    /// <summary>The target's ARN, as a dead letter names it.</summary>
    public string Arn => Function is { } function
        ? function.Options.FunctionArn
        : $"arn:aws:sqs:{Queue!.Options.Region}:{Queue.Options.AccountId}:{QueueName}";

    /// <summary>A Lambda target: <paramref name="function"/>, invoked with each matched event.</summary>
    public static EventBridgeTarget Lambda(string id, LambdaRuntimeApiEmulator function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new EventBridgeTarget(id) { Function = function };
    }

    /// <summary>An SQS target: <paramref name="queueName"/> (the mapped queue when null) of <paramref name="queue"/>.</summary>
    public static EventBridgeTarget Sqs(string id, SqsEventSourceEmulator queue, string? queueName = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return new EventBridgeTarget(id) { Queue = queue, QueueName = queueName ?? queue.QueueName };
    }
}
