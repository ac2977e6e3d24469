using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Invocation;

/// <summary>
/// The queue front door of the <see cref="InvocationEngine"/>: runs a batch message by message (in order, or with a
/// bounded degree of parallelism), classifies what happened (success, transient retry, permanent dead-letter —
/// dead-lettered at once through the sink), and returns a settlement per message. For FIFO sources the first
/// failure of a message group stops that group, and it and everything after it in the group is reported failed. Adapters turn the settlements into
/// <c>batchItemFailures</c>, a status code or an ack.
/// </summary>
public sealed partial class MessageInvoker
{
    private readonly InvocationEngine _engine;
    private readonly IDeadLetterSink _deadLetters;
    private readonly MessageResultSettler _settler;

    /// <summary>Creates the front door a host keeps for its whole life.</summary>
    public MessageInvoker(InvocationEngine engine, IDeadLetterSink deadLetters)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(deadLetters);
        _engine = engine;
        _deadLetters = deadLetters;
        var log = engine.Log;
        _settler = new MessageResultSettler("message", null, (context, exception) => LogTransient(log, exception, ((IncomingMessage)context.Input).Id, context.FunctionName, context.DeliveryCount));
    }

    /// <summary>The functions this host serves.</summary>
    public FunctionManifest Manifest => _engine.Manifest;

    /// <summary>The queue function consuming <paramref name="queue"/>, or null.</summary>
    public FunctionDefinition? FindByQueue(string queue)
    {
        foreach (var (function, trigger) in Manifest.FunctionsOf<QueueTrigger>())
        {
            if (string.Equals(trigger.Queue, queue, StringComparison.Ordinal))
            {
                return function;
            }
        }

        return null;
    }

    /// <summary>The queue function named <paramref name="name"/>; throws a clear error when there is none.</summary>
    public FunctionDefinition GetFunction(string name) =>
        Manifest.Find<QueueTrigger>(name)?.Function
        ?? throw new ArgumentException($"'{name}' is not a queue-triggered function in the manifest.", nameof(name));

    /// <summary>
    /// Processes a batch; returns one settlement per message, in the batch's order. Never throws for a handler's fault.
    /// A function declared <see cref="QueueTriggerOptions.Fifo"/> runs it in order per group (see
    /// <see cref="InvokeAsync(FunctionDefinition, IReadOnlyList{IncomingMessage}, bool, InvocationInfo, CancellationToken)"/>).
    /// </summary>
    public ValueTask<IReadOnlyList<MessageSettlement>> InvokeAsync(
        FunctionDefinition function, IReadOnlyList<IncomingMessage> batch, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        var trigger = function.Trigger as QueueTrigger
            ?? throw new ArgumentException($"Function '{function.Name}' is not queue-triggered.", nameof(function));
        return InvokeAsync(function, batch, trigger.Options.Fifo, info, cancellationToken);
    }

    /// <summary>
    /// Processes a batch; returns one settlement per message, in the batch's order. Never throws for a handler's fault.
    /// When <paramref name="fifo"/> (the function is declared FIFO, or the adapter read a FIFO source such as an SQS
    /// <c>.fifo</c> queue), the messages of each group (<see cref="IncomingMessage.OrderingKey"/>; messages without one
    /// form one group) run in order, and the first failure of a group (a retry or a dead letter) stops that group:
    /// every later message of the group is settled as <see cref="MessageOutcome.Retry"/> without running, so the
    /// platform delivers them again, in order, after the failed one. Other groups go on, several at once when the function allows parallelism.
    /// </summary>
    public async ValueTask<IReadOnlyList<MessageSettlement>> InvokeAsync(
        FunctionDefinition function, IReadOnlyList<IncomingMessage> batch, bool fifo, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(batch);
        var trigger = function.Trigger as QueueTrigger
            ?? throw new ArgumentException($"Function '{function.Name}' is not queue-triggered.", nameof(function));
        var settlements = new MessageSettlement[batch.Count];
        var parallelism = trigger.Options.MaxDegreeOfParallelism;

        if (fifo)
        {
            var groups = new List<List<int>>();
            var byKey = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            for (var i = 0; i < batch.Count; i++)
            {
                var key = batch[i].OrderingKey ?? string.Empty;
                if (!byKey.TryGetValue(key, out var group))
                {
                    byKey[key] = group = [];
                    groups.Add(group);
                }

                group.Add(i);
            }

            if (parallelism <= 1 || groups.Count == 1)
            {
                // One at a time, in batch order: a stopped group's later messages are passed over.
                var stopped = new HashSet<string>(StringComparer.Ordinal);
                for (var i = 0; i < batch.Count; i++)
                {
                    var key = batch[i].OrderingKey ?? string.Empty;
                    settlements[i] = stopped.Contains(key)
                        ? NotAttempted(batch[i])
                        : await SettleAsync(function, batch[i], info, cancellationToken).ConfigureAwait(false);
                    if (settlements[i].Outcome != MessageOutcome.Success)
                    {
                        stopped.Add(key);
                    }
                }
            }
            else
            {
                await Parallel.ForEachAsync(
                    groups,
                    new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = CancellationToken.None },
                    async (group, _) =>
                    {
                        var failed = false;
                        foreach (var i in group)
                        {
                            settlements[i] = failed ? NotAttempted(batch[i]) : await SettleAsync(function, batch[i], info, cancellationToken).ConfigureAwait(false);
                            failed |= settlements[i].Outcome != MessageOutcome.Success;
                        }
                    }).ConfigureAwait(false);
            }
        }
        else if (parallelism <= 1)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                settlements[i] = await SettleAsync(function, batch[i], info, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, batch.Count),
                new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = CancellationToken.None },
                async (i, _) => settlements[i] = await SettleAsync(function, batch[i], info, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        return settlements;
    }

    private static MessageSettlement NotAttempted(IncomingMessage message) =>
        new(message.Id, MessageOutcome.Retry, message.OrderingKey is { } group
            ? $"Not attempted: an earlier message of FIFO group '{group}' failed."
            : "Not attempted: an earlier message of this FIFO batch failed.");

    private async ValueTask<MessageSettlement> SettleAsync(FunctionDefinition function, IncomingMessage message, InvocationInfo info, CancellationToken hostToken)
    {
        if (info.Deadline is { } deadline && _engine.TimeProvider.GetUtcNow() >= deadline && !hostToken.IsCancellationRequested)
        {
            // The platform has stopped waiting: starting now would only race the redelivery it is about to make.
            return new MessageSettlement(message.Id, MessageOutcome.Retry, "Not attempted: the invocation's deadline had passed.");
        }

        var messageInfo = info with
        {
            InvocationId = info.InvocationId is { } id ? $"{id}/{message.Id}" : message.Id,
            TraceParent = message.Attributes.GetValueOrDefault("traceparent") ?? info.TraceParent,
        };
        var result = await _engine.InvokeAsync<MessageResult, MessageResultSettler>(
            function, message, messageInfo, message.DeliveryCount, feature: null, _settler, hostToken).ConfigureAwait(false);
        if (result.Outcome != MessageOutcome.DeadLetter)
        {
            return new MessageSettlement(message.Id, result.Outcome, result.Reason);
        }

        var reason = result.Reason ?? "Dead-lettered by the handler.";
        if (await DeadLetterStep.TrySendAsync(_deadLetters, message, reason, function.Name, hostToken).ConfigureAwait(false) is { } failure)
        {
            LogDeadLetterFailed(_engine.Log, failure, message.Id, function.Name);
            return new MessageSettlement(message.Id, MessageOutcome.Retry, DeadLetterStep.CouldNotReason(reason, failure));
        }

        LogDeadLettered(_engine.Log, message.Id, function.Name, reason);
        return new MessageSettlement(message.Id, MessageOutcome.DeadLetter, reason);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Message {MessageId} failed in {FunctionName} (delivery {DeliveryCount}); it will be retried")]
    private static partial void LogTransient(ILogger logger, Exception exception, string messageId, string functionName, int deliveryCount);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Message {MessageId} dead-lettered by {FunctionName}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string functionName, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Message {MessageId} of {FunctionName} could not be dead-lettered; it will be retried")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string messageId, string functionName);
}
