using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;

namespace Portable.Core.Invocation;

/// <summary>
/// Steps 2 to 4 of every queue invocation on every host: runs a batch message by message (in order, or with a
/// bounded degree of parallelism) through the middleware pipeline and the handler, classifies what happened
/// (success, transient retry, permanent dead-letter — dead-lettered at once through the sink), and returns a
/// settlement per message. For FIFO sources the first failure stops the batch and everything after it is
/// reported failed. Adapters turn the settlements into <c>batchItemFailures</c>, a status code or an ack.
/// </summary>
public sealed partial class MessageInvoker
{
    private readonly FunctionExecutionDelegate _pipeline;
    private readonly PortableHostOptions _options;
    private readonly IServiceProvider _services;
    private readonly IDeadLetterSink _deadLetters;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private int _invocations;

    /// <summary>Creates the invoker a host keeps for its whole life.</summary>
    public MessageInvoker(
        FunctionManifest manifest,
        FunctionPipelineBuilder pipeline,
        PortableHostOptions options,
        IServiceProvider services,
        IDeadLetterSink deadLetters,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        Manifest = options.FunctionTarget is { Length: > 0 } target ? manifest.Only(target) : manifest;
        _pipeline = pipeline.Build(RunHandlerAsync);
        _options = options;
        _services = services;
        _deadLetters = deadLetters;
        _time = timeProvider;
        _loggers = loggerFactory;
        _log = loggerFactory.CreateLogger("Portable.Invocation");
    }

    /// <summary>The functions this host serves.</summary>
    public FunctionManifest Manifest { get; }

    /// <summary>The queue function consuming <paramref name="queue"/>, or null.</summary>
    public FunctionDefinition? FindByQueue(string queue) =>
        Manifest.Functions.FirstOrDefault(f => f.Trigger is QueueTrigger q && string.Equals(q.Queue, queue, StringComparison.Ordinal));

    /// <summary>The queue function named <paramref name="name"/>; throws a clear error when there is none.</summary>
    public FunctionDefinition GetFunction(string name) =>
        Manifest.Find(name) is { Trigger: QueueTrigger } function
            ? function
            : throw new ArgumentException($"'{name}' is not a queue-triggered function in the manifest.", nameof(name));

    /// <summary>Processes a batch; returns one settlement per message, in the batch's order. Never throws for a handler's fault.</summary>
    public async ValueTask<IReadOnlyList<MessageSettlement>> InvokeAsync(
        FunctionDefinition function, IReadOnlyList<IncomingMessage> batch, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(batch);
        var trigger = function.Trigger as QueueTrigger
            ?? throw new ArgumentException($"Function '{function.Name}' is not queue-triggered.", nameof(function));
        var coldStart = Interlocked.Increment(ref _invocations) == 1;
        if (coldStart)
        {
            PortableMetrics.ColdStarts.Add(1);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var deadlineTimer = Deadlines.Start(_time, info.Deadline, deadline);
        var settlements = new MessageSettlement[batch.Count];

        if (trigger.Options.MaxDegreeOfParallelism <= 1)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                settlements[i] = await SettleAsync(function, batch[i], info, coldStart && i == 0, deadline.Token, cancellationToken).ConfigureAwait(false);
                if (trigger.Options.Fifo && settlements[i].Outcome != MessageOutcome.Success)
                {
                    for (var j = i + 1; j < batch.Count; j++)
                    {
                        settlements[j] = new MessageSettlement(batch[j].Id, MessageOutcome.Retry, "Not attempted: an earlier message of this FIFO batch failed.");
                    }

                    break;
                }
            }
        }
        else
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, batch.Count),
                new ParallelOptions { MaxDegreeOfParallelism = trigger.Options.MaxDegreeOfParallelism, CancellationToken = CancellationToken.None },
                async (i, _) => settlements[i] = await SettleAsync(function, batch[i], info, coldStart && i == 0, deadline.Token, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        }

        return settlements;
    }

    private async ValueTask<MessageSettlement> SettleAsync(
        FunctionDefinition function, IncomingMessage message, InvocationInfo info, bool coldStart, CancellationToken deadline, CancellationToken hostToken)
    {
        if (deadline.IsCancellationRequested && !hostToken.IsCancellationRequested)
        {
            // The platform has stopped waiting: starting now would only race the redelivery it is about to make.
            return new MessageSettlement(message.Id, MessageOutcome.Retry, "Not attempted: the invocation's deadline had passed.");
        }

        var result = await RunAsync(function, message, info, coldStart, deadline, hostToken).ConfigureAwait(false);
        PortableMetrics.Invocations.Add(1, new("faas.name", function.Name), new("outcome", result.Outcome.ToString()));
        if (result.Outcome != MessageOutcome.DeadLetter)
        {
            return new MessageSettlement(message.Id, result.Outcome, result.Reason);
        }

        var reason = result.Reason ?? "Dead-lettered by the handler.";
        try
        {
            await _deadLetters.DeadLetterAsync(message, reason, hostToken).ConfigureAwait(false);
            PortableMetrics.DeadLettered.Add(1, new KeyValuePair<string, object?>("faas.name", function.Name));
            LogDeadLettered(_log, message.Id, function.Name, reason);
            return new MessageSettlement(message.Id, MessageOutcome.DeadLetter, reason);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !hostToken.IsCancellationRequested)
        {
            LogDeadLetterFailed(_log, ex, message.Id, function.Name);
            return new MessageSettlement(message.Id, MessageOutcome.Retry, $"Could not dead-letter ({reason}): {ex.Message}");
        }
    }

    private async ValueTask<MessageResult> RunAsync(
        FunctionDefinition function, IncomingMessage message, InvocationInfo info, bool coldStart, CancellationToken deadline, CancellationToken hostToken)
    {
        var context = new FunctionContext
        {
            InvocationId = info.InvocationId is { } id ? $"{id}/{message.Id}" : message.Id,
            FunctionName = function.Name,
            Cloud = _options.Cloud,
            Deadline = info.Deadline,
            TraceParent = message.Attributes.GetValueOrDefault("traceparent") ?? info.TraceParent,
            PlatformTraceId = info.PlatformTraceId,
            IsColdStart = coldStart,
            DeliveryCount = message.DeliveryCount,
            Logger = _loggers.CreateLogger("Portable.Functions." + function.Name),
            Services = _services,
            TimeProvider = _time,
            CancellationToken = deadline,
            Input = message,
        };
        context.Items[TriggerKey] = function.Trigger;

        using var activity = StartActivity(function.Name, context.TraceParent, message);
        try
        {
            await _pipeline(context).ConfigureAwait(false);
            return context.Result is MessageResult result
                ? result
                : throw new InvalidOperationException($"Function '{function.Name}' produced no message result.");
        }
        catch (PermanentFailureException ex)
        {
            return MessageResult.DeadLetter(ex.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !hostToken.IsCancellationRequested)
        {
            return MessageResult.Retry("The function did not finish before its deadline.");
        }
        catch (Exception ex) when (!hostToken.IsCancellationRequested)
        {
            // Anything not marked permanent is transient: the platform delivers it again.
            LogTransient(_log, ex, message.Id, function.Name, message.DeliveryCount);
            return MessageResult.Retry($"{ex.GetType().Name}: {ex.Message}");
        }
    }

    /// <summary>The <see cref="FunctionContext.Items"/> key holding the function's <see cref="QueueTrigger"/>.</summary>
    public const string TriggerKey = "portable.queue-trigger";

    private static ValueTask RunHandlerAsync(FunctionContext context)
    {
        var trigger = (QueueTrigger)context.Items[TriggerKey]!;
        return Await(context, trigger.Handler((IncomingMessage)context.Input, context, context.CancellationToken));

        static async ValueTask Await(FunctionContext context, ValueTask<MessageResult> pending) =>
            context.Result = await pending.ConfigureAwait(false);
    }

    private static Activity? StartActivity(string functionName, string? traceParent, IncomingMessage message)
    {
        if (!HttpInvoker.ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext.TryParse(traceParent, null, out var parent);
        var activity = HttpInvoker.ActivitySource.StartActivity(functionName, ActivityKind.Consumer, parent);
        activity?.SetTag("faas.name", functionName);
        activity?.SetTag("faas.trigger", "pubsub");
        activity?.SetTag("messaging.message.id", message.Id);
        activity?.SetTag("messaging.destination.name", message.Source);
        activity?.SetTag("messaging.message.delivery_count", message.DeliveryCount);
        return activity;
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Message {MessageId} failed in {FunctionName} (delivery {DeliveryCount}); it will be retried")]
    private static partial void LogTransient(ILogger logger, Exception exception, string messageId, string functionName, int deliveryCount);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Message {MessageId} dead-lettered by {FunctionName}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string messageId, string functionName, string reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "Message {MessageId} of {FunctionName} could not be dead-lettered; it will be retried")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string messageId, string functionName);
}
