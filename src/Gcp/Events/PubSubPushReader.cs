using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Gcp.Events;

/// <summary>How a Pub/Sub message reached the host.</summary>
internal enum PubSubDeliveryFormat
{
    /// <summary>A Pub/Sub push subscription, wrapped body <c>{message, subscription}</c>.</summary>
    Push,

    /// <summary>Eventarc's <c>messagePublished</c> CloudEvent in binary content mode (<c>ce-*</c> headers, body = data).</summary>
    CloudEventBinary,

    /// <summary>The same CloudEvent in structured content mode (<c>application/cloudevents+json</c>).</summary>
    CloudEventStructured,
}

/// <summary>One Pub/Sub message read from a push request, with what the envelope said about where it came from.</summary>
/// <param name="Message">The neutral message handed to Core.</param>
/// <param name="Format">Which of the three request forms carried it.</param>
/// <param name="Subscription">The subscription that pushed it, <c>projects/P/subscriptions/S</c>, when the envelope says.</param>
internal sealed record PubSubDelivery(IncomingMessage Message, PubSubDeliveryFormat Format, string? Subscription);

/// <summary>
/// Step 1 and 2 for Pub/Sub on Cloud Run: reads a push request in any of the three forms Google sends — the wrapped
/// push envelope, and Eventarc's <c>google.cloud.pubsub.topic.v1.messagePublished</c> CloudEvent in binary or
/// structured mode — into one <see cref="IncomingMessage"/>. Sources: cloud.google.com/pubsub/docs/push (envelope,
/// <c>deliveryAttempt</c> only with a dead-letter policy), google-cloudevents <c>pubsub/v1/data.proto</c> and its
/// "duplicatedFields" test data (both <c>messageId</c>/<c>message_id</c> and <c>publishTime</c>/<c>publish_time</c>),
/// CloudEvents 1.0 HTTP binding (binary and structured modes).
/// </summary>
internal static class PubSubPushReader
{
    /// <summary>The one CloudEvent type a queue function takes.</summary>
    public const string MessagePublishedType = "google.cloud.pubsub.topic.v1.messagePublished";

    /// <summary>The structured-mode media type (CloudEvents JSON format).</summary>
    public const string StructuredMediaType = "application/cloudevents+json";

    /// <summary>
    /// Reads one delivery. <paramref name="header"/> looks a request header up by name (null when absent);
    /// <paramref name="source"/> is the manifest's queue name, recorded as the message's source. On failure
    /// <paramref name="error"/> says what is wrong with the request, fit for a 400 body.
    /// </summary>
    public static bool TryRead(
        string? contentType,
        Func<string, string?> header,
        ReadOnlySpan<byte> body,
        string source,
        [NotNullWhen(true)] out PubSubDelivery? delivery,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentException.ThrowIfNullOrEmpty(source);
        delivery = null;
        try
        {
            if (header("ce-specversion") is { Length: > 0 } specVersion)
            {
                return TryReadBinary(specVersion, header, body, source, out delivery, out error);
            }

            if (string.Equals(MediaType(contentType), StructuredMediaType, StringComparison.OrdinalIgnoreCase))
            {
                return TryReadStructured(body, source, out delivery, out error);
            }

            if (string.Equals(MediaType(contentType), "application/cloudevents-batch+json", StringComparison.OrdinalIgnoreCase))
            {
                error = "CloudEvents batch mode is not supported: send one event per request.";
                return false;
            }

            var envelope = JsonSerializer.Deserialize(body, PubSubPushJsonContext.Default.PubSubPushEnvelope);
            return TryMap(envelope, source, PubSubDeliveryFormat.Push, eventId: null, out delivery, out error);
        }
        catch (JsonException ex)
        {
            error = $"The body is not a Pub/Sub push envelope ({{\"message\":{{...}},\"subscription\":\"...\"}}): {ex.Message}";
            return false;
        }
    }

    private static bool TryReadBinary(
        string specVersion, Func<string, string?> header, ReadOnlySpan<byte> body, string source,
        out PubSubDelivery? delivery, out string? error)
    {
        delivery = null;
        if (!TryCheckAttributes(specVersion, header("ce-id"), header("ce-source"), header("ce-type"), out error))
        {
            return false;
        }

        if (body.IsEmpty)
        {
            error = "The CloudEvent has no data: a messagePublished event carries {\"message\":{...},\"subscription\":\"...\"} as its body.";
            return false;
        }

        var envelope = JsonSerializer.Deserialize(body, PubSubPushJsonContext.Default.PubSubPushEnvelope);
        return TryMap(envelope, source, PubSubDeliveryFormat.CloudEventBinary, header("ce-id"), out delivery, out error);
    }

    private static bool TryReadStructured(ReadOnlySpan<byte> body, string source, out PubSubDelivery? delivery, out string? error)
    {
        delivery = null;
        var cloudEvent = JsonSerializer.Deserialize(body, PubSubPushJsonContext.Default.StructuredCloudEvent);
        if (cloudEvent is null)
        {
            error = "The structured CloudEvent is null.";
            return false;
        }

        if (!TryCheckAttributes(cloudEvent.SpecVersion, cloudEvent.Id, cloudEvent.Source, cloudEvent.Type, out error))
        {
            return false;
        }

        PubSubPushEnvelope? envelope;
        if (cloudEvent.Data is { ValueKind: JsonValueKind.Object } data)
        {
            envelope = data.Deserialize(PubSubPushJsonContext.Default.PubSubPushEnvelope);
        }
        else if (cloudEvent.DataBase64 is { Length: > 0 } base64)
        {
            if (!TryDecodeBase64(base64, out var bytes))
            {
                error = "The CloudEvent's data_base64 is not valid base64.";
                return false;
            }

            envelope = JsonSerializer.Deserialize(bytes, PubSubPushJsonContext.Default.PubSubPushEnvelope);
        }
        else
        {
            error = "The CloudEvent has no data: a messagePublished event carries {\"message\":{...},\"subscription\":\"...\"} as its data.";
            return false;
        }

        return TryMap(envelope, source, PubSubDeliveryFormat.CloudEventStructured, cloudEvent.Id, out delivery, out error);
    }

    private static bool TryCheckAttributes(string? specVersion, string? id, string? source, string? type, [NotNullWhen(false)] out string? error)
    {
        if (specVersion != "1.0")
        {
            error = $"CloudEvents specversion '{specVersion}' is not supported (1.0 is).";
            return false;
        }

        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(source) || string.IsNullOrEmpty(type))
        {
            error = "The CloudEvent lacks a required attribute: id, source and type must all be set.";
            return false;
        }

        if (!string.Equals(type, MessagePublishedType, StringComparison.Ordinal))
        {
            error = $"CloudEvent type '{type}' is not handled by a queue function; it takes {MessagePublishedType}.";
            return false;
        }

        error = null;
        return true;
    }

    private static bool TryMap(
        PubSubPushEnvelope? envelope, string source, PubSubDeliveryFormat format, string? eventId,
        [NotNullWhen(true)] out PubSubDelivery? delivery, [NotNullWhen(false)] out string? error)
    {
        delivery = null;
        if (envelope?.Message is not { } message)
        {
            error = "The envelope has no message: expected {\"message\":{...},\"subscription\":\"...\"}.";
            return false;
        }

        var id = FirstNonEmpty(message.MessageId, message.MessageIdSnake, eventId);
        if (id is null)
        {
            error = "The message has no messageId.";
            return false;
        }

        var hasAttributes = message.Attributes is { Count: > 0 };
        if (string.IsNullOrEmpty(message.Data) && !hasAttributes)
        {
            error = "The message has neither data nor attributes (Pub/Sub requires at least one of them).";
            return false;
        }

        byte[] body = [];
        if (!string.IsNullOrEmpty(message.Data) && !TryDecodeBase64(message.Data, out body))
        {
            error = "message.data is not valid base64.";
            return false;
        }

        delivery = new PubSubDelivery(
            new IncomingMessage
            {
                Id = id,
                Body = body,
                Attributes = hasAttributes ? new Dictionary<string, string>(message.Attributes!, StringComparer.Ordinal) : new Dictionary<string, string>(),
                DeliveryCount = envelope.DeliveryAttempt is > 0 and var attempt ? attempt : 1,
                EnqueuedAt = ParseTimestamp(FirstNonEmpty(message.PublishTime, message.PublishTimeSnake)),
                Source = source,
                OrderingKey = FirstNonEmpty(message.OrderingKey, message.OrderingKeySnake),
            },
            format,
            envelope.Subscription);
        error = null;
        return true;
    }

    /// <summary>
    /// Parses an RFC 3339 timestamp; Google writes 0, 3, 6 or 9 fractional digits (PubsubMessage reference) and .NET
    /// keeps 7, so extra digits are cut. An unreadable time is dropped rather than failing the message.
    /// </summary>
    public static DateTimeOffset? ParseTimestamp(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        var dot = text.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end]))
            {
                end++;
            }

            if (end - dot - 1 > 7)
            {
                text = string.Concat(text.AsSpan(0, dot + 8), text.AsSpan(end));
            }
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            ? parsed
            : null;
    }

    /// <summary>Proto3 JSON accepts standard or URL-safe base64, padded or not (protobuf JSON mapping for <c>bytes</c>).</summary>
    private static bool TryDecodeBase64(string text, out byte[] bytes)
    {
        var normalized = text.Replace('-', '+').Replace('_', '/');
        if (normalized.Length % 4 != 0)
        {
            normalized = normalized.PadRight(normalized.Length + (4 - normalized.Length % 4), '=');
        }

        var buffer = new byte[normalized.Length * 3 / 4];
        if (Convert.TryFromBase64String(normalized, buffer, out var written))
        {
            bytes = buffer.AsSpan(0, written).ToArray();
            return true;
        }

        bytes = [];
        return false;
    }

    private static string? FirstNonEmpty(params ReadOnlySpan<string?> values)
    {
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value))
            {
                return value;
            }
        }

        return null;
    }

    private static string? MediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType : null;
}
