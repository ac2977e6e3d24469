using System.Buffers;
using System.Text.Json;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Settings;

namespace Portable.Core.Idempotency;

/// <summary>
/// An exactly-once effect on at-least-once delivery, for queue messages and routed events alike. Keyed per function by
/// message id or event id, or by the key the function selects from the message or event: the first delivery claims the key (in progress, expiring with the deadline so a crashed
/// attempt can be retried) and completes it on success (kept 24 h). A later delivery of a completed key with
/// the same payload (compared by meaning: see <see cref="IdempotencyRecords.PayloadHash"/>) is acknowledged
/// without running; the same key with a different payload is a conflict, dead-lettered with that reason; a
/// delivery racing an attempt still in progress is retried later, never run twice. A failed or dead-lettered attempt releases its claim, so a retry or a redrive runs again.
/// An event's payload is its content — source, detail-type, resources and detail — not its id or time, so a copy
/// published again under a new id and caught by a content key is a duplicate, not a conflict.
/// </summary>
public sealed class MessageIdempotencyMiddleware(IdempotencyRecords records) : IFunctionMiddleware
{
    /// <summary>
    /// The environment variable that turns message idempotency off for every queue and event function of the process
    /// (<c>true</c> or <c>1</c>), as AWS Lambda Powertools' <c>POWERTOOLS_IDEMPOTENCY_DISABLED</c> does: for measuring
    /// its cost on the same deployment, or for functions idempotent by themselves. HTTP <c>Idempotency-Key</c>
    /// handling, which callers ask for, is not affected.
    /// </summary>
    public const string DisabledVariable = "PORTABLE_IDEMPOTENCY_DISABLED";

    /// <summary>
    /// Whether <see cref="DisabledVariable"/> turns message idempotency off: <c>true</c>/<c>1</c> do, unset, empty,
    /// <c>false</c>/<c>0</c> do not; anything else throws, so a typo never silently changes delivery semantics.
    /// </summary>
    public static bool DisabledByEnvironment(Func<string, string?> environment) =>
        new HostSettings(environment).Boolean(DisabledVariable) ?? false;

    /// <summary>True for message and event invocations whose function has not turned idempotency off.</summary>
    public static bool AppliesTo(FunctionContext context) =>
        context is { Input: IncomingMessage, Function.Trigger: QueueTrigger { Options.DisableIdempotency: false } }
            or { Input: PortableEvent, Function.Trigger: EventTrigger { Options.DisableIdempotency: false } };

    /// <inheritdoc />
    public async ValueTask InvokeAsync(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        string key, recordKey;
        ReadOnlyMemory<byte> payload;
        if (context.Input is PortableEvent @event)
        {
            key = ((EventTrigger)context.Function.Trigger).Options.IdempotencyKey?.Invoke(@event) ?? @event.Id;
            recordKey = $"{context.FunctionName}:evt:{key}";
            payload = EventContent(@event);
        }
        else
        {
            var message = (IncomingMessage)context.Input;
            key = ((QueueTrigger)context.Function.Trigger).Options.IdempotencyKey?.Invoke(message) ?? message.Id;
            recordKey = $"{context.FunctionName}:msg:{key}";
            payload = message.Body;
        }

        var hash = IdempotencyRecords.PayloadHash(payload.Span); // once per delivery; by meaning, so 10.5 and 10.50 agree

        var (claim, existing) = await records.TryClaimAsync(recordKey, hash, context.Deadline, context.CancellationToken).ConfigureAwait(false);
        if (claim is null)
        {
            IdempotencyRecords.AnswerUnclaimed(context, Answer(existing, hash, payload.Span, key));
            return;
        }

        await records.RunClaimedAsync(recordKey, claim, hash, context, next).ConfigureAwait(false);
    }

    // What makes two events the same event: everything the publisher chose, nothing the bus stamped on it.
    private static ReadOnlyMemory<byte> EventContent(PortableEvent @event)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("source", @event.Source);
            writer.WriteString("detail-type", @event.DetailType);
            writer.WriteStartArray("resources");
            foreach (var resource in @event.Resources)
            {
                writer.WriteStringValue(resource);
            }

            writer.WriteEndArray();
            writer.WritePropertyName("detail");
            @event.Detail.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenMemory;
    }

    private static MessageResult Answer(IdempotencyRecord? record, string hash, ReadOnlySpan<byte> body, string key) => record switch
    {
        null => MessageResult.Retry("The idempotency claim was released while this delivery arrived; retry."),
        _ when !IdempotencyRecords.SamePayload(record, hash, body) => MessageResult.DeadLetter($"Conflict: idempotency key '{key}' was already used with a different payload."),
        { State: IdempotencyRecord.Completed } => MessageResult.Success,
        _ => MessageResult.Retry("Another delivery with this idempotency key is in progress."),
    };
}
