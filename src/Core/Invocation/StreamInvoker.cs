using Microsoft.Extensions.Logging;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Streams;

namespace Portable.Core.Invocation;

/// <summary>
/// The stream front door of the <see cref="InvocationEngine"/>: runs a batch record by record in batch order, keeping
/// order per <see cref="StreamRecord.PartitionKey"/>. The first record of a partition that fails (a fault, a missed
/// deadline) stops that partition: every later record of it is not attempted, and the result names the failed one, so
/// the platform delivers it and what follows again. Records of other partitions go on. A
/// <see cref="PermanentFailureException"/> dead-letters the record through the sink and its partition goes on, so one
/// poison record does not hold a shard back until it expires; when the sink refuses, the record fails instead.
/// </summary>
public sealed partial class StreamInvoker
{
    private readonly InvocationEngine _engine;
    private readonly IDeadLetterSink _deadLetters;

    /// <summary>Creates the front door a host keeps for its whole life.</summary>
    public StreamInvoker(InvocationEngine engine, IDeadLetterSink deadLetters)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(deadLetters);
        _engine = engine;
        _deadLetters = deadLetters;
    }

    /// <summary>The functions this host serves.</summary>
    public FunctionManifest Manifest => _engine.Manifest;

    /// <summary>The stream function fed by <paramref name="stream"/>, or null.</summary>
    public FunctionDefinition? FindByStream(string stream)
    {
        foreach (var (function, trigger) in Manifest.FunctionsOf<StreamTrigger>())
        {
            if (string.Equals(trigger.Stream, stream, StringComparison.Ordinal))
            {
                return function;
            }
        }

        return null;
    }

    /// <summary>The stream function named <paramref name="name"/>; throws a clear error when there is none.</summary>
    public FunctionDefinition GetFunction(string name) =>
        Manifest.Find<StreamTrigger>(name)?.Function
        ?? throw new ArgumentException($"'{name}' is not a stream-triggered function in the manifest.", nameof(name));

    /// <summary>Processes a batch in order per partition; never throws for a handler's fault.</summary>
    /// <param name="function">A stream function of <see cref="Manifest"/>.</param>
    /// <param name="batch">The records as the platform delivered them, in stream order.</param>
    /// <param name="info">What the platform said about the invocation.</param>
    /// <param name="cancellationToken">Cancelled when the host stops.</param>
    public async ValueTask<StreamBatchResult> InvokeAsync(
        FunctionDefinition function, IReadOnlyList<StreamRecord> batch, InvocationInfo info, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(batch);
        if (function.Trigger is not StreamTrigger)
        {
            throw new ArgumentException($"Function '{function.Name}' is not stream-triggered.", nameof(function));
        }

        var settlements = new StreamRecordSettlement[batch.Count];
        var stopped = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < batch.Count; i++)
        {
            var record = batch[i];
            if (stopped.TryGetValue(record.PartitionKey, out var failedAt))
            {
                settlements[i] = new StreamRecordSettlement(
                    record.PartitionKey, record.SequenceNumber, StreamRecordOutcome.NotAttempted, $"Not attempted: record {failedAt} of partition '{record.PartitionKey}' failed before it.");
                continue;
            }

            settlements[i] = await SettleAsync(function, record, info, cancellationToken).ConfigureAwait(false);
            if (!settlements[i].IsSettled)
            {
                stopped[record.PartitionKey] = record.SequenceNumber;
            }
        }

        var result = new StreamBatchResult(settlements);
        if (!result.IsSettled && _engine.Log.IsEnabled(LogLevel.Information))
        {
            var at = string.Join(", ", result.FirstFailures.Select(f => f.SequenceNumber));
            LogStopped(_engine.Log, function.Name, result.FirstFailures.Count, at);
        }

        return result;
    }

    private async ValueTask<StreamRecordSettlement> SettleAsync(FunctionDefinition function, StreamRecord record, InvocationInfo info, CancellationToken hostToken)
    {
        if (info.Deadline is { } deadline && _engine.TimeProvider.GetUtcNow() >= deadline && !hostToken.IsCancellationRequested)
        {
            // The platform has stopped waiting: this record goes back to it, and with it the rest of its partition.
            return new StreamRecordSettlement(record.PartitionKey, record.SequenceNumber, StreamRecordOutcome.NotAttempted, "Not attempted: the invocation's deadline had passed.");
        }

        var recordInfo = info with
        {
            InvocationId = info.InvocationId is { } id ? $"{id}/{record.SequenceNumber}" : null,
            TraceParent = record.Attributes.GetValueOrDefault("traceparent") ?? info.TraceParent,
        };
        var attempt = await _engine.InvokeAsync<Attempt, Settler>(
            function, record, recordInfo, deliveryCount: 1, feature: null, new Settler(_engine.Log), hostToken).ConfigureAwait(false);
        if (attempt.Outcome != StreamRecordOutcome.DeadLettered)
        {
            return new StreamRecordSettlement(record.PartitionKey, record.SequenceNumber, attempt.Outcome, attempt.Reason);
        }

        var reason = attempt.Reason ?? "Dead-lettered by the handler.";
        if (await DeadLetterStep.TrySendAsync(_deadLetters, AsMessage(record), reason, function.Name, hostToken).ConfigureAwait(false) is { } failure)
        {
            LogDeadLetterFailed(_engine.Log, failure, record.SequenceNumber, function.Name);
            return new StreamRecordSettlement(record.PartitionKey, record.SequenceNumber, StreamRecordOutcome.Failed, DeadLetterStep.CouldNotReason(reason, failure));
        }

        LogDeadLettered(_engine.Log, record.SequenceNumber, record.PartitionKey, function.Name, reason);
        return new StreamRecordSettlement(record.PartitionKey, record.SequenceNumber, StreamRecordOutcome.DeadLettered, reason);
    }

    /// <summary>
    /// The record as the dead-letter sinks take it: the sequence number as its id, the data as its body, the stream as
    /// its source (so it goes to the stream's dead-letter queue or topic), the partition key as its ordering key.
    /// </summary>
    private static IncomingMessage AsMessage(StreamRecord record) => new()
    {
        Id = record.SequenceNumber,
        Body = record.Data,
        Attributes = record.Attributes,
        EnqueuedAt = record.ArrivedAt,
        Source = record.Source,
        OrderingKey = record.PartitionKey,
    };

    /// <summary>One run of the handler, before the dead letter (if any) is sent.</summary>
    private readonly record struct Attempt(StreamRecordOutcome Outcome, string? Reason);

    private readonly struct Settler(ILogger log) : IInvocationSettler<Attempt>
    {
        public Attempt Completed(FunctionContext context) =>
            context.Result is StreamRecordOutcome.Success
                ? new Attempt(StreamRecordOutcome.Success, null)
                : throw new InvalidOperationException($"Function '{context.FunctionName}' produced no stream result.");

        public Attempt Faulted(FunctionContext context, Exception exception)
        {
            if (exception is PermanentFailureException)
            {
                return new Attempt(StreamRecordOutcome.DeadLettered, exception.Message);
            }

            var record = (StreamRecord)context.Input;
            LogFailed(log, exception, record.SequenceNumber, record.PartitionKey, context.FunctionName);
            return new Attempt(StreamRecordOutcome.Failed, $"{exception.GetType().Name}: {exception.Message}");
        }

        public Attempt TimedOut(FunctionContext context) => new(StreamRecordOutcome.Failed, "The function did not finish before its deadline.");

        public string OutcomeOf(Attempt result) => result.Outcome switch
        {
            StreamRecordOutcome.Success => "Success",
            StreamRecordOutcome.DeadLettered => "DeadLetter",
            _ => "Retry",
        };
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Stream record {SequenceNumber} (partition {PartitionKey}) failed in {FunctionName}; its partition waits until it succeeds")]
    private static partial void LogFailed(ILogger logger, Exception exception, string sequenceNumber, string partitionKey, string functionName);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Stream record {SequenceNumber} (partition {PartitionKey}) dead-lettered by {FunctionName}: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, string sequenceNumber, string partitionKey, string functionName, string reason);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "Stream record {SequenceNumber} of {FunctionName} could not be dead-lettered; it fails instead")]
    private static partial void LogDeadLetterFailed(ILogger logger, Exception exception, string sequenceNumber, string functionName);

    [LoggerMessage(EventId = 2104, Level = LogLevel.Information, Message = "Stream batch of {FunctionName}: {Partitions} partitions stopped, at {SequenceNumbers}")]
    private static partial void LogStopped(ILogger logger, string functionName, int partitions, string sequenceNumbers);
}
