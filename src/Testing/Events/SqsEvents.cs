using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Testing;

/// <summary>
/// The JSON a Lambda function receives from an SQS event source mapping: one record per message, field by field as in
/// <c>protocols/samples/aws-sqs-event.json</c> and https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html —
/// the body as a plain string, the system attributes as strings (<c>ApproximateReceiveCount</c> from the delivery
/// count, <c>SentTimestamp</c> from the enqueue time, <c>MessageGroupId</c> from the ordering key), the attributes as
/// <c>String</c> message attributes, and both MD5 digests computed as SQS computes them.
/// </summary>
public static class SqsEvents
{
    /// <summary>
    /// An event carrying <paramref name="messages"/> in order; each record's queue (<c>eventSourceARN</c>) is the
    /// message's source. SQS bodies are text: a body that is not UTF-8 is refused.
    /// </summary>
    /// <exception cref="ArgumentException">A message body is not UTF-8.</exception>
    public static byte[] Batch(IEnumerable<IncomingMessage> messages, SqsEventOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        options ??= new SqsEventOptions();
        var received = options.ReceivedAt ?? TestClock.Start;
        var records = messages.ToList();
        var bodies = records.Select(m => PayloadJson.Utf8Text(m.Body)
            ?? throw new ArgumentException($"Message {m.Id} has a body that is not UTF-8; an SQS message body is text.", nameof(messages))).ToList();

        return PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("Records");
            for (var i = 0; i < records.Count; i++)
            {
                WriteRecord(w, records[i], bodies[i], options, received);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// The <c>md5OfMessageAttributes</c> SQS computes: for each attribute in name order, the length-prefixed (4 bytes,
    /// big-endian) name, data type, transport type byte (1 for String) and value, hashed with MD5, lower-case hex.
    /// Source: SQS developer guide, "Calculating the MD5 message digest for message attributes".
    /// </summary>
    public static string? Md5OfMessageAttributes(IReadOnlyDictionary<string, string> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        if (attributes.Count == 0)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        foreach (var (name, value) in attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(name));
            WriteLengthPrefixed(buffer, "String"u8);
            buffer.WriteByte(1);
            WriteLengthPrefixed(buffer, Encoding.UTF8.GetBytes(value));
        }

        return Md5Hex(buffer.ToArray());
    }

    private static void WriteRecord(Utf8JsonWriter w, IncomingMessage message, string body, SqsEventOptions options, DateTimeOffset received)
    {
        w.WriteStartObject();
        w.WriteString("messageId", message.Id);
        w.WriteString("receiptHandle", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{message.Source}/{message.Id}/{message.DeliveryCount}")));
        w.WriteString("body", body);
        w.WriteString("md5OfBody", Md5Hex(Encoding.UTF8.GetBytes(body)));
        if (Md5OfMessageAttributes(message.Attributes) is { } attributesDigest)
        {
            w.WriteString("md5OfMessageAttributes", attributesDigest);
        }
        else
        {
            w.WriteNull("md5OfMessageAttributes");
        }

        w.WriteString("eventSourceARN", $"arn:aws:sqs:{options.Region}:{options.AccountId}:{message.Source}");
        w.WriteString("eventSource", "aws:sqs");
        w.WriteString("awsRegion", options.Region);
        w.WriteStartObject("attributes");
        w.WriteString("ApproximateReceiveCount", message.DeliveryCount.ToString(CultureInfo.InvariantCulture));
        w.WriteString("SentTimestamp", PayloadJson.EpochMilliseconds(message.EnqueuedAt ?? received).ToString(CultureInfo.InvariantCulture));
        w.WriteString("SenderId", "AIDAIENQZJOLO23YVJ4VO");
        w.WriteString("ApproximateFirstReceiveTimestamp", PayloadJson.EpochMilliseconds(received).ToString(CultureInfo.InvariantCulture));
        if (message.OrderingKey is { } group)
        {
            w.WriteString("MessageGroupId", group);
            w.WriteString("MessageDeduplicationId", message.DeduplicationId ?? message.Id);
            if (message.SequenceNumber is { } sequence)
            {
                w.WriteString("SequenceNumber", sequence);
            }
        }

        w.WriteEndObject();
        w.WriteStartObject("messageAttributes");
        foreach (var (name, value) in message.Attributes)
        {
            w.WriteStartObject(name);
            w.WriteString("stringValue", value);
            w.WriteStartArray("stringListValues");
            w.WriteEndArray();
            w.WriteStartArray("binaryListValues");
            w.WriteEndArray();
            w.WriteString("dataType", "String");
            w.WriteNull("binaryValue");
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteLengthPrefixed(MemoryStream buffer, ReadOnlySpan<byte> bytes)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, bytes.Length);
        buffer.Write(length);
        buffer.Write(bytes);
    }

    // SQS defines both digests as MD5; this reproduces the platform's field, it protects nothing.
#pragma warning disable CA5351
    private static string Md5Hex(byte[] bytes) => Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
}
