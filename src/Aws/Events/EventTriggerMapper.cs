using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Aws.Runtime;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;

namespace Portable.Aws.Events;

/// <summary>
/// Event functions on Lambda, in the two ways an EventBridge rule reaches one. A Lambda target: the rule invokes the
/// function asynchronously with the event itself (<c>{"version","id","detail-type","source",…,"detail"}</c>), which
/// becomes a <see cref="PortableEvent"/> for <see cref="EventInvoker"/>; a handled or dead-lettered event is answered on
/// <c>/response</c>, and a failed one on <c>/error</c> (<see cref="FailedErrorType"/>) so that Lambda's asynchronous
/// invocation retries it and then sends it to the function's failure destination. An SQS target: the rule puts the
/// event on a queue whose event source mapping invokes the function with SQS batches; each record's body is the event,
/// and the answer is <c>batchItemFailures</c>, as for a queue function. A permanent failure is dead-lettered through the
/// dead-letter sink (<c>{rule}-dlq</c> on SQS) either way, and so is an event that is not an EventBridge event: it can
/// never succeed. An EventBridge scheduled event (<c>aws.events</c> / <c>Scheduled Event</c>) sent to an event
/// function is an event like any other (<see cref="ScheduleTriggerMapper"/> serves schedule functions only; each
/// function has one trigger, so the two never compete for an invocation). A keep-warm ping is answered before any work.
/// </summary>
public sealed partial class EventTriggerMapper : LambdaTriggerMapper<EventTrigger>
{
    /// <summary>The error type of an event the function failed to handle: Lambda retries the asynchronous invocation.</summary>
    public const string FailedErrorType = "Portable.EventFailed";

    private static readonly byte[] Handled = """{"status":"succeeded"}"""u8.ToArray();
    private static readonly byte[] DeadLettered = """{"status":"dead-lettered"}"""u8.ToArray();
    private static readonly byte[] Warmed = """{"status":"warm"}"""u8.ToArray();

    /// <inheritdoc />
    public override string Description => "event (EventBridge rule, directly or through SQS)";

    /// <summary>Answers each invocation of <paramref name="function"/> (event-triggered) through <paramref name="invoker"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="function"/> is not event-triggered.</exception>
    public static LambdaEventHandler Answer(EventInvoker invoker, IDeadLetterSink deadLetters, FunctionDefinition function, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(deadLetters);
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(logger);
        var trigger = function.Trigger as EventTrigger ?? throw new ArgumentException($"Function '{function.Name}' is not event-triggered.", nameof(function));
        return async (invocation, cancellationToken) =>
        {
            if (Warmup.IsWarmer(invocation.Payload.Span))
            {
                return LambdaAnswer.Respond(Warmed);
            }

            var info = new InvocationInfo(invocation.RequestId, invocation.Deadline, null, invocation.TraceId);
            return IsSqsEvent(invocation.Payload.Span)
                ? await FromQueueAsync(invoker, deadLetters, function, invocation, info, logger, cancellationToken).ConfigureAwait(false)
                : await FromRuleAsync(invoker, deadLetters, function, trigger, invocation, info, logger, cancellationToken).ConfigureAwait(false);
        };
    }

    /// <inheritdoc />
    protected override LambdaEventHandler Bind(FunctionDefinition function, EventTrigger trigger, IServiceProvider services, ILogger logger) =>
        Answer(services.GetRequiredService<EventInvoker>(), services.GetRequiredService<IDeadLetterSink>(), function, logger);

    // An SQS event is an object with Records; anything else is taken for an EventBridge event (and refused if it is not one).
    private static bool IsSqsEvent(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("Records"u8))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: refused as an EventBridge event, with the parser's reason.
        }

        return false;
    }

    private static async ValueTask<LambdaAnswer> FromRuleAsync(
        EventInvoker invoker, IDeadLetterSink deadLetters, FunctionDefinition function, EventTrigger trigger, RuntimeInvocation invocation, InvocationInfo info, ILogger logger, CancellationToken cancellationToken)
    {
        PortableEvent @event;
        try
        {
            @event = PortableEvent.FromEnvelope(invocation.Payload.Span);
        }
        catch (FormatException ex)
        {
            LogUnsupported(logger, invocation.RequestId, ex.Message);
            var letter = new IncomingMessage { Id = invocation.RequestId, Body = invocation.Payload, Source = trigger.Rule };
            return await DeadLetterAsync(deadLetters, letter, $"Not an EventBridge event: {ex.Message}", cancellationToken).ConfigureAwait(false)
                ? LambdaAnswer.Respond(DeadLettered)
                : LambdaAnswer.Fail(new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, ex.Message));
        }

        var delivery = await invoker.InvokeAsync(function, @event, info, 1, cancellationToken).ConfigureAwait(false);
        return delivery.Outcome switch
        {
            MessageOutcome.Success => LambdaAnswer.Respond(Handled),
            MessageOutcome.DeadLetter => LambdaAnswer.Respond(DeadLettered),
            _ => LambdaAnswer.Fail(new LambdaError(FailedErrorType, delivery.Reason ?? "The event function failed.")),
        };
    }

    private static async ValueTask<LambdaAnswer> FromQueueAsync(
        EventInvoker invoker, IDeadLetterSink deadLetters, FunctionDefinition function, RuntimeInvocation invocation, InvocationInfo info, ILogger logger, CancellationToken cancellationToken)
    {
        if (!SqsEventMapper.TryMap(invocation.Payload, out var batch, out var error))
        {
            LogUnsupported(logger, invocation.RequestId, error.ErrorMessage);
            return LambdaAnswer.Fail(error);
        }

        // A FIFO queue's message group stops at its first failure; the other groups go on.
        var settlements = new MessageSettlement[batch.Messages.Count];
        var stopped = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < settlements.Length; i++)
        {
            var message = batch.Messages[i];
            var group = message.OrderingKey ?? string.Empty;
            if (batch.IsFifo && stopped.Contains(group))
            {
                settlements[i] = new MessageSettlement(message.Id, MessageOutcome.Retry, "Not attempted: an earlier message of its FIFO group failed.");
                continue;
            }

            settlements[i] = await SettleAsync(invoker, deadLetters, function, message, info, cancellationToken).ConfigureAwait(false);
            if (batch.IsFifo && settlements[i].Outcome != MessageOutcome.Success)
            {
                stopped.Add(group);
            }
        }

        return LambdaAnswer.Respond(SqsBatchResponseWriter.Write(batch.Messages, settlements, batch.IsFifo));
    }

    private static async ValueTask<MessageSettlement> SettleAsync(
        EventInvoker invoker, IDeadLetterSink deadLetters, FunctionDefinition function, IncomingMessage message, InvocationInfo info, CancellationToken cancellationToken)
    {
        PortableEvent @event;
        try
        {
            @event = PortableEvent.FromEnvelope(message.Body.Span) with { Attributes = message.Attributes };
        }
        catch (FormatException ex)
        {
            var reason = $"Not an EventBridge event: {ex.Message}";
            return await DeadLetterAsync(deadLetters, message, reason, cancellationToken).ConfigureAwait(false)
                ? new MessageSettlement(message.Id, MessageOutcome.DeadLetter, reason)
                : new MessageSettlement(message.Id, MessageOutcome.Retry, $"Could not dead-letter ({reason}).");
        }

        var delivery = await invoker.InvokeAsync(function, @event, info, message.DeliveryCount, cancellationToken).ConfigureAwait(false);
        return new MessageSettlement(message.Id, delivery.Outcome, delivery.Reason);
    }

    private static async ValueTask<bool> DeadLetterAsync(IDeadLetterSink deadLetters, IncomingMessage message, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await deadLetters.DeadLetterAsync(message, reason, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    [LoggerMessage(EventId = 3701, Level = LogLevel.Warning, Message = "Invocation {RequestId} is not a usable EventBridge event: {Error}")]
    private static partial void LogUnsupported(ILogger logger, string requestId, string error);
}
