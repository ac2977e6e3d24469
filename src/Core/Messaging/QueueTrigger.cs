using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;

namespace Portable.Core.Messaging;

/// <summary>Handles one message.</summary>
public delegate ValueTask<MessageResult> MessageHandler(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken);

/// <summary>A message function as a type: one method, no cloud types.</summary>
public interface IMessageFunction
{
    /// <summary>Handles one message and says what became of it.</summary>
    ValueTask<MessageResult> HandleAsync(IncomingMessage message, FunctionContext context, CancellationToken cancellationToken);
}

/// <summary>A function triggered by a queue or topic.</summary>
/// <param name="Queue">The queue or topic name (SQS queue, Storage Queue / Service Bus queue, Pub/Sub topic).</param>
/// <param name="Options">Batching, ordering and idempotency settings.</param>
/// <param name="Handler">The handler for one message.</param>
public sealed record QueueTrigger(string Queue, QueueTriggerOptions Options, MessageHandler Handler) : FunctionTrigger;

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

/// <summary>Declares queue functions in the manifest.</summary>
public static class QueueManifestExtensions
{
    /// <summary>Declares a function triggered by <paramref name="queue"/>, handled by <typeparamref name="TFunction"/> from the host's services.</summary>
    public static FunctionManifestBuilder AddQueue<TFunction>(this FunctionManifestBuilder builder, string name, string queue, QueueTriggerOptions? options = null)
        where TFunction : IMessageFunction =>
        builder.AddQueue(name, queue, static (message, context, ct) => context.Services.GetRequiredService<TFunction>().HandleAsync(message, context, ct), options);

    /// <summary>Declares a function triggered by <paramref name="queue"/> with a handler delegate.</summary>
    public static FunctionManifestBuilder AddQueue(this FunctionManifestBuilder builder, string name, string queue, MessageHandler handler, QueueTriggerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(queue);
        ArgumentNullException.ThrowIfNull(handler);
        if (queue.Length > 63 || !queue.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-'))
        {
            throw new ArgumentException($"Queue name '{queue}' must be 1-63 lower-case letters, digits or dashes (valid for SQS, Storage Queues and Pub/Sub).", nameof(queue));
        }

        options ??= new QueueTriggerOptions();
        options.Validate();
        return builder.Add(new FunctionDefinition(name, new QueueTrigger(queue, options, handler)));
    }
}
