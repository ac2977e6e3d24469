namespace Portable.Core.Messaging;

/// <summary>How a queue function takes its messages.</summary>
public sealed record QueueTriggerOptions
{
    /// <summary>The largest batch the function asks for (SQS batch size; local lease size). Default 10, as SQS.</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>How many messages of a batch run at once. 1 runs them in order.</summary>
    public int MaxDegreeOfParallelism { get; init; } = 1;

    /// <summary>
    /// A FIFO source: messages run in order and the first failure stops the batch; it and everything after it
    /// are reported as failed so the platform redelivers them in order.
    /// </summary>
    public bool Fifo { get; init; }

    /// <summary>Picks the idempotency key from a message; default: the message id. Return null to use the id.</summary>
    public Func<IncomingMessage, string?>? IdempotencyKey { get; init; }

    /// <summary>Turn the idempotency middleware off for this function (it is on by default).</summary>
    public bool DisableIdempotency { get; init; }

    /// <summary>Checks the values; throws naming the bad one.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 10_000, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDegreeOfParallelism, 1, nameof(MaxDegreeOfParallelism));
        if (Fifo && MaxDegreeOfParallelism != 1)
        {
            throw new ArgumentException("A FIFO queue function must run its batch in order (MaxDegreeOfParallelism = 1).", nameof(MaxDegreeOfParallelism));
        }
    }
}
