using System.Globalization;
using System.Text.Json;
using Portable.Core.Events;

namespace Portable.Azure.Events;

/// <summary>
/// Reads an event from the text of a Storage queue message, in any of the three shapes that reach an event queue:
/// <list type="bullet">
/// <item>Portable's own envelope, the EventBridge event (<see cref="PortableEvent.WriteEnvelope"/>): what the
/// publisher writes (<c>id</c>, <c>source</c>, <c>detail-type</c>, <c>time</c>, <c>detail</c>).</item>
/// <item>A CloudEvents 1.0 JSON event (<c>specversion</c>, <c>id</c>, <c>source</c>, <c>type</c>, optional
/// <c>time</c>, <c>subject</c>, <c>data</c> or <c>data_base64</c>, extension attributes): what an Event Grid
/// subscription with <c>eventDeliverySchema: CloudEventSchemaV1_0</c> writes to its Storage queue.</item>
/// <item>An Event Grid schema event (<c>id</c>, <c>topic</c>, <c>subject</c>, <c>eventType</c>, <c>eventTime</c>,
/// <c>data</c>, <c>dataVersion</c>): what a subscription with the Event Grid schema writes.</item>
/// </list>
/// <c>type</c> / <c>eventType</c> become <see cref="PortableEvent.DetailType"/>, <c>source</c> / <c>topic</c>
/// <see cref="PortableEvent.Source"/>, <c>data</c> <see cref="PortableEvent.Detail"/> (a JSON object; none is <c>{}</c>).
/// Event Grid now base64-encodes what it writes to a queue (MicrosoftDocs/azure-docs#102923); the host decodes it
/// under host.json's <c>messageEncoding: base64</c>, and <see cref="Worker.WorkerQueueMapping.DecodeBody"/> takes either.
/// </summary>
public static class QueuedEventReader
{
    private static readonly HashSet<string> CloudEventContext = new(StringComparer.Ordinal)
    {
        "specversion", "id", "source", "type", "time", "subject", "data", "data_base64", "datacontenttype", "dataschema",
    };

    /// <summary>
    /// Reads the event in <paramref name="body"/>; <paramref name="enqueuedAt"/> stands in for the time of a CloudEvent
    /// that has none. Returns false with the reason when the message is not one of the three shapes — bad JSON, a
    /// missing or mistyped field, data that is not a JSON object — which no retry can change.
    /// </summary>
    public static bool TryRead(ReadOnlyMemory<byte> body, DateTimeOffset enqueuedAt, out PortableEvent @event, out string error)
    {
        @event = null!;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            error = $"The message is not JSON: {ex.Message}";
            return false;
        }

        using (document)
        {
            var root = document.RootElement;
            try
            {
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"An event is a JSON object; this message is {root.ValueKind}.");
                }

                @event = root.TryGetProperty("specversion", out _) ? ReadCloudEvent(root, enqueuedAt)
                    : root.TryGetProperty("eventType", out _) ? ReadEventGridEvent(root)
                    : root.TryGetProperty("detail-type", out _) ? PortableEvent.FromEnvelope(root)
                    : throw new FormatException("The message is not an event: it has none of 'detail-type' (Portable's EventBridge envelope), 'specversion' (CloudEvents 1.0) and 'eventType' (the Event Grid schema).");
                error = string.Empty;
                return true;
            }
            catch (FormatException ex)
            {
                error = ex.Message;
                return false;
            }
        }
    }

    private static PortableEvent ReadCloudEvent(JsonElement root, DateTimeOffset enqueuedAt)
    {
        const string Kind = "CloudEvent";
        var version = Required(root, "specversion", Kind);
        if (version != "1.0")
        {
            throw new FormatException($"The CloudEvent's specversion is '{version}'; only 1.0 is read.");
        }

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            // Extension attributes (traceparent among them) are carried beside the event; only string values are kept.
            if (!CloudEventContext.Contains(property.Name) && property.Value.ValueKind == JsonValueKind.String)
            {
                attributes[property.Name] = property.Value.GetString()!;
            }
        }

        var time = Optional(root, "time", Kind);
        return new PortableEvent
        {
            Id = Required(root, "id", Kind),
            Source = Required(root, "source", Kind),
            DetailType = Required(root, "type", Kind),
            Time = time is null ? enqueuedAt : Timestamp(time, "time", Kind),
            Subject = Optional(root, "subject", Kind),
            Detail = root.TryGetProperty("data_base64", out var encoded) && !root.TryGetProperty("data", out _)
                ? Base64Data(encoded)
                : Data(root, "data", Kind),
            Attributes = attributes,
        };
    }

    private static PortableEvent ReadEventGridEvent(JsonElement root)
    {
        const string Kind = "Event Grid event";
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (Optional(root, "dataVersion", Kind) is { } dataVersion)
        {
            attributes["dataversion"] = dataVersion;
        }

        return new PortableEvent
        {
            Id = Required(root, "id", Kind),
            Source = Required(root, "topic", Kind),
            DetailType = Required(root, "eventType", Kind),
            Time = Timestamp(Required(root, "eventTime", Kind), "eventTime", Kind),
            Subject = Required(root, "subject", Kind),
            Detail = Data(root, "data", Kind),
            Attributes = attributes,
        };
    }

    private static JsonElement Data(JsonElement root, string name, string kind)
    {
        if (!root.TryGetProperty(name, out var data) || data.ValueKind == JsonValueKind.Null)
        {
            return EmptyObject();
        }

        return data.ValueKind == JsonValueKind.Object
            ? data.Clone()
            : throw new FormatException($"The {kind}'s '{name}' is {data.ValueKind}; rules match event data that is a JSON object.");
    }

    private static JsonElement Base64Data(JsonElement encoded)
    {
        if (encoded.ValueKind != JsonValueKind.String || !encoded.TryGetBytesFromBase64(out var bytes))
        {
            throw new FormatException("The CloudEvent's 'data_base64' is not a base64 string.");
        }

        try
        {
            using var inner = JsonDocument.Parse(bytes);
            if (inner.RootElement.ValueKind == JsonValueKind.Object)
            {
                return inner.RootElement.Clone();
            }
        }
        catch (JsonException)
        {
            // Not JSON: refused below.
        }

        throw new FormatException("The CloudEvent's 'data_base64' does not hold a JSON object; rules match event data that is a JSON object.");
    }

    private static string Required(JsonElement root, string name, string kind) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"The {kind} has no '{name}' (a non-empty string).");

    private static string? Optional(JsonElement root, string name, string kind)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"The {kind}'s '{name}' is not a string.");
    }

    private static DateTimeOffset Timestamp(string text, string name, string kind) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new FormatException($"The {kind}'s '{name}' is not a timestamp: '{text}'.");

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }
}
