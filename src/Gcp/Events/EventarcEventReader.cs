using System.Diagnostics.CodeAnalysis;
using System.Net.Http.Headers;
using System.Text.Json;
using Portable.Core.Events;
using Portable.Gcp.Messaging;

namespace Portable.Gcp.Events;

/// <summary>
/// Reads what an Eventarc trigger (or a Pub/Sub push subscription) delivers to an event function into the
/// <see cref="PortableEvent"/> it carries. Two shapes: a Pub/Sub message from the app's event topic — Eventarc's
/// <c>google.cloud.pubsub.topic.v1.messagePublished</c> CloudEvent in binary mode (how Eventarc delivers,
/// cloud.google.com/eventarc/standard/docs/event-format) or structured mode, or a plain push envelope — whose data is
/// the event's EventBridge envelope, as <see cref="PubSubEventPublisher"/> writes it; and any other CloudEvent (a custom
/// event from Eventarc Advanced or a channel), whose <c>type</c> is the detail-type, <c>source</c> the source,
/// <c>data</c> the detail, <c>id</c> the id, <c>time</c> the time (the receipt time when absent), <c>subject</c> the
/// subject and extensions the attributes. What cannot be read comes back as an error fit for a 400 body.
/// </summary>
internal static class EventarcEventReader
{
    /// <summary>Reads one event; <paramref name="deliveryCount"/> is Pub/Sub's <c>deliveryAttempt</c>, 1 when it is not sent.</summary>
    public static bool TryRead(
        string? contentType,
        IHeaderDictionary headers,
        ReadOnlySpan<byte> body,
        string rule,
        TimeProvider time,
        [NotNullWhen(true)] out PortableEvent? @event,
        out int deliveryCount,
        [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(time);
        @event = null;
        deliveryCount = 1;
        var structured = string.Equals(MediaType(contentType), CloudEventJson.MediaType, StringComparison.OrdinalIgnoreCase);
        var binary = !structured && headers.ContainsKey("ce-specversion");
        var type = structured ? PeekType(body) : binary ? headers["ce-type"].ToString() : PubSubPushReader.MessagePublishedType;
        if (!(structured || binary) || string.Equals(type, PubSubPushReader.MessagePublishedType, StringComparison.Ordinal))
        {
            return TryReadMessage(contentType, headers, body, rule, out @event, out deliveryCount, out error);
        }

        if (!CloudEventReader.TryRead(contentType, headers, body, null, out var cloudEvent, out _, out error))
        {
            return false;
        }

        return TryMap(cloudEvent, time, out @event, out error);
    }

    private static bool TryReadMessage(
        string? contentType, IHeaderDictionary headers, ReadOnlySpan<byte> body, string rule,
        [NotNullWhen(true)] out PortableEvent? @event, out int deliveryCount, [NotNullWhen(false)] out string? error)
    {
        @event = null;
        deliveryCount = 1;
        if (!PubSubPushReader.TryRead(contentType, name => headers.TryGetValue(name, out var v) ? v.ToString() : null, body, rule, out var delivery, out error))
        {
            return false;
        }

        var message = delivery.Message;
        if (message.Body.IsEmpty)
        {
            error = $"Pub/Sub message {message.Id} has no data: an event's message carries its EventBridge envelope ({{\"id\",\"source\",\"detail-type\",\"time\",\"detail\"}}) as data.";
            return false;
        }

        PortableEvent read;
        try
        {
            read = PortableEvent.FromEnvelope(message.Body.Span);
        }
        catch (FormatException ex)
        {
            error = $"Pub/Sub message {message.Id} does not carry a Portable event: {ex.Message}";
            return false;
        }

        // source and detail-type travel as attributes for subscription filters; the envelope has them already.
        var attributes = new Dictionary<string, string>(message.Attributes, StringComparer.Ordinal);
        attributes.Remove(PubSubEventPublisher.SourceAttribute);
        attributes.Remove(PubSubEventPublisher.DetailTypeAttribute);
        @event = read with { Attributes = attributes };
        deliveryCount = message.DeliveryCount;
        return true;
    }

    private static bool TryMap(CloudEvent cloudEvent, TimeProvider time, [NotNullWhen(true)] out PortableEvent? @event, [NotNullWhen(false)] out string? error)
    {
        @event = null;
        var detail = default(JsonElement);
        if (!cloudEvent.Data.IsEmpty)
        {
            if (!cloudEvent.IsJsonData)
            {
                error = $"CloudEvent {cloudEvent.Id} has {cloudEvent.DataContentType} data; an event's data is its detail, a JSON object.";
                return false;
            }

            try
            {
                using var document = JsonDocument.Parse(cloudEvent.Data);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    error = $"CloudEvent {cloudEvent.Id}'s data is a JSON {document.RootElement.ValueKind}; an event's data is its detail, a JSON object.";
                    return false;
                }

                detail = document.RootElement.Clone();
            }
            catch (JsonException ex)
            {
                error = $"CloudEvent {cloudEvent.Id}'s data is not valid JSON: {ex.Message}";
                return false;
            }
        }

        var read = new PortableEvent
        {
            Id = cloudEvent.Id,
            Source = cloudEvent.Source,
            DetailType = cloudEvent.Type,
            Time = cloudEvent.Time ?? time.GetUtcNow(),
            Subject = cloudEvent.Subject,
            Attributes = cloudEvent.Extensions,
        };
        @event = detail.ValueKind == JsonValueKind.Object ? read with { Detail = detail } : read;
        error = null;
        return true;
    }

    // The structured event's type, to tell a messagePublished from a custom event; null when the body is not a JSON object with one.
    private static string? PeekType(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Refused with the parser's reason by CloudEventReader.
        }

        return null;
    }

    private static string? MediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed) ? parsed.MediaType : null;
}
