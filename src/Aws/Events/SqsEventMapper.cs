using System.Globalization;
using System.Text;
using System.Text.Json;
using Portable.Aws.Runtime;
using Portable.Core.Messaging;

namespace Portable.Aws.Events;

/// <summary>
/// Step 2 for queues on AWS: turns an SQS event (<c>Records[].eventSource == "aws:sqs"</c>) into neutral
/// <see cref="IncomingMessage"/>s — <c>messageId</c> → id, <c>body</c> → UTF-8 body, <c>messageAttributes.*.stringValue</c>
/// → attributes, <c>ApproximateReceiveCount</c> → delivery count, <c>SentTimestamp</c> → enqueued at,
/// <c>MessageGroupId</c> → ordering key, <c>SequenceNumber</c> → sequence number, <c>MessageDeduplicationId</c> →
/// deduplication id, the queue name at the end of <c>eventSourceARN</c> → source. A FIFO queue (its name ends with
/// <c>.fifo</c>) makes the batch FIFO, and each of its records must carry a <c>MessageGroupId</c>.
/// Parsing uses <see cref="SqsJsonContext"/> only (source-generated, AOT-safe).
/// </summary>
public static class SqsEventMapper
{
    /// <summary>The <c>eventSource</c> of every SQS record.</summary>
    public const string EventSource = "aws:sqs";

    /// <summary>
    /// Maps <paramref name="payload"/>. On failure <paramref name="error"/> is what to POST to
    /// <c>/invocation/{id}/error</c>: <see cref="ApiGatewayRequestMapper.UnsupportedEventType"/> for an event that is not
    /// from SQS, <see cref="ApiGatewayRequestMapper.InvalidEventType"/> for an SQS event missing what a message needs.
    /// An error fails the whole batch, so SQS delivers every message of it again.
    /// </summary>
    public static bool TryMap(ReadOnlyMemory<byte> payload, out SqsBatch batch, out LambdaError error)
    {
        batch = null!;
        error = null!;
        SqsEvent? sqsEvent;
        try
        {
            sqsEvent = JsonSerializer.Deserialize(payload.Span, SqsJsonContext.Default.SqsEvent);
        }
        catch (JsonException ex)
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The event is not an SQS event ({ex.Message}); this function only accepts SQS events (Records[].eventSource \"aws:sqs\").");
            return false;
        }

        if (sqsEvent?.Records is not { Count: > 0 } records)
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, "The event has no Records; this function only accepts SQS events (Records[].eventSource \"aws:sqs\").");
            return false;
        }

        var messages = new List<IncomingMessage>(records.Count);
        var fifo = false;
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not { } record)
            {
                error = Invalid(i, "is null");
                return false;
            }

            if (!string.Equals(record.EventSource, EventSource, StringComparison.Ordinal))
            {
                error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"Records[{i}].eventSource is {Quote(record.EventSource)}, not \"aws:sqs\"; this function only accepts SQS events.");
                return false;
            }

            if (!TryMapRecord(record, i, out var message, out error))
            {
                return false;
            }

            fifo |= message.OrderingKey is not null || IsFifoQueue(message.Source);
            messages.Add(message);
        }

        batch = new SqsBatch(messages, fifo);
        return true;
    }

    /// <summary>The queue name of an SQS ARN (<c>arn:aws:sqs:{region}:{account}:{queue}</c>), or null when it is not one.</summary>
    public static string? QueueNameFromArn(string? arn)
    {
        if (string.IsNullOrEmpty(arn))
        {
            return null;
        }

        var parts = arn.Split(':');
        return parts.Length == 6 && parts[0] == "arn" && parts[2] == "sqs" && parts[5].Length > 0 ? parts[5] : null;
    }

    /// <summary>True for a FIFO queue's name: SQS requires FIFO queue names to end with <c>.fifo</c>.</summary>
    public static bool IsFifoQueue(string queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.EndsWith(".fifo", StringComparison.Ordinal);
    }

    private static bool TryMapRecord(SqsRecord record, int index, out IncomingMessage message, out LambdaError error)
    {
        message = null!;
        error = null!;
        if (string.IsNullOrEmpty(record.MessageId))
        {
            error = Invalid(index, "has no messageId");
            return false;
        }

        if (record.Body is null)
        {
            error = Invalid(index, $"(message {record.MessageId}) has no body");
            return false;
        }

        if (QueueNameFromArn(record.EventSourceArn) is not { } queue)
        {
            error = Invalid(index, $"(message {record.MessageId}) has eventSourceARN {Quote(record.EventSourceArn)}, not an SQS queue ARN (arn:aws:sqs:region:account:queue)");
            return false;
        }

        var system = record.Attributes ?? [];
        var deliveryCount = 1;
        if (system.GetValueOrDefault("ApproximateReceiveCount") is { } receiveCount
            && (!int.TryParse(receiveCount, NumberStyles.None, CultureInfo.InvariantCulture, out deliveryCount) || deliveryCount < 1))
        {
            error = Invalid(index, $"(message {record.MessageId}) has attributes.ApproximateReceiveCount {Quote(receiveCount)}, not a positive integer");
            return false;
        }

        DateTimeOffset? enqueuedAt = null;
        if (system.GetValueOrDefault("SentTimestamp") is { } sent)
        {
            if (!long.TryParse(sent, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > 253_402_300_799_999)
            {
                error = Invalid(index, $"(message {record.MessageId}) has attributes.SentTimestamp {Quote(sent)}, not epoch milliseconds");
                return false;
            }

            enqueuedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }

        var group = system.GetValueOrDefault("MessageGroupId") is { Length: > 0 } id ? id : null;
        if (group is null && IsFifoQueue(queue))
        {
            error = Invalid(index, $"(message {record.MessageId}) comes from FIFO queue {queue} but has no attributes.MessageGroupId");
            return false;
        }

        var sequence = system.GetValueOrDefault("SequenceNumber");
        if (sequence is not null && (sequence.Length == 0 || !sequence.All(char.IsAsciiDigit)))
        {
            error = Invalid(index, $"(message {record.MessageId}) has attributes.SequenceNumber {Quote(sequence)}, not a decimal number");
            return false;
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in record.MessageAttributes ?? [])
        {
            // String and Number attributes carry stringValue; Binary ones have no neutral string form and are left out.
            if (value?.StringValue is { } text)
            {
                attributes[name] = text;
            }
        }

        message = new IncomingMessage
        {
            Id = record.MessageId,
            Body = Encoding.UTF8.GetBytes(record.Body),
            Attributes = attributes,
            DeliveryCount = deliveryCount,
            EnqueuedAt = enqueuedAt,
            Source = queue,
            OrderingKey = group,
            SequenceNumber = sequence,
            DeduplicationId = system.GetValueOrDefault("MessageDeduplicationId") is { Length: > 0 } deduplication ? deduplication : null,
        };
        return true;
    }

    private static LambdaError Invalid(int index, string problem) =>
        new(ApiGatewayRequestMapper.InvalidEventType, $"The SQS event is malformed: Records[{index}] {problem}. The whole batch fails and SQS delivers it again.");

    private static string Quote(string? value) => value is null ? "missing" : $"\"{value}\"";
}
