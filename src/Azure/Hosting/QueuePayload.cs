using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Azure.Hosting;

/// <summary>
/// The custom-handler payload of a queue invocation (protocols README §1c): the host POSTs
/// <c>{"Data":{"message":…},"Metadata":{"DequeueCount","Id","InsertionTime",…,"sys":{…}}}</c> to <c>/{function}</c>
/// (sample <c>azure-customhandler-queue-request.json</c>) and expects <c>{"Outputs":{},"Logs":[…],"ReturnValue":null}</c>
/// with a 2xx status back; any other status fails the invocation, so the trigger's retry and poison rules apply.
/// </summary>
public static class QueuePayload
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Service Bus when the metadata has <c>MessageId</c> or <c>DeliveryCount</c> but no Storage-queue
    /// <c>DequeueCount</c>/<c>PopReceipt</c>; a Storage queue otherwise (the generated default).
    /// </summary>
    public static QueueDeliverySource DetectSource(JsonElement metadata)
    {
        var storage = HttpPayload.TryGetProperty(metadata, "DequeueCount", out _) || HttpPayload.TryGetProperty(metadata, "PopReceipt", out _);
        var serviceBus = HttpPayload.TryGetProperty(metadata, "MessageId", out _) || HttpPayload.TryGetProperty(metadata, "DeliveryCount", out _);
        return serviceBus && !storage ? QueueDeliverySource.ServiceBus : QueueDeliverySource.StorageQueue;
    }

    /// <summary>
    /// Reads one message from an invocation body. <paramref name="bindingName"/> is the trigger binding's name
    /// (<c>message</c> in our layout); when <c>Data</c> lacks it but holds exactly one entry, that entry is the
    /// message (a hand-written function.json with another name). <paramref name="queue"/> becomes
    /// <see cref="IncomingMessage.Source"/>; <paramref name="fallbackId"/> (the host's invocation id) is the id of a
    /// message whose metadata carries none.
    /// <list type="bullet">
    /// <item>Storage queue: <c>Id</c>, <c>DequeueCount</c> as the delivery count, <c>InsertionTime</c>.</item>
    /// <item>Service Bus: <c>MessageId</c>, <c>DeliveryCount</c>, <c>EnqueuedTimeUtc</c>, <c>SessionId</c> as the
    /// ordering key, <c>ApplicationProperties</c> (or the older <c>UserProperties</c>) as attributes.</item>
    /// <item>Body: see <see cref="DecodeBody(JsonElement)"/>.</item>
    /// </list>
    /// </summary>
    public static bool TryReadMessage(JsonElement root, string bindingName, string queue, string? fallbackId, out IncomingMessage message, out string error)
    {
        ArgumentException.ThrowIfNullOrEmpty(bindingName);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        message = null!;
        if (!HttpPayload.TryGetData(root, out var data))
        {
            error = "The invocation has no Data object.";
            return false;
        }

        if (!HttpPayload.TryGetProperty(data, bindingName, out var value))
        {
            var entries = data.EnumerateObject().ToList();
            if (entries.Count != 1)
            {
                error = $"Data holds no '{bindingName}' message (entries: {string.Join(", ", entries.Select(e => e.Name))}).";
                return false;
            }

            value = entries[0].Value;
        }

        var metadata = HttpPayload.TryGetProperty(root, "Metadata", out var m) && m.ValueKind == JsonValueKind.Object ? m : default;
        var source = metadata.ValueKind == JsonValueKind.Object ? DetectSource(metadata) : QueueDeliverySource.StorageQueue;
        var (idName, countName, timeName) = source == QueueDeliverySource.ServiceBus
            ? ("MessageId", "DeliveryCount", "EnqueuedTimeUtc")
            : ("Id", "DequeueCount", "InsertionTime");

        var id = Text(metadata, idName) ?? fallbackId;
        if (string.IsNullOrEmpty(id))
        {
            error = $"Metadata.{idName} is missing, and there is no invocation id to stand in for it.";
            return false;
        }

        var deliveryCount = 1;
        if (Text(metadata, countName) is { } countText)
        {
            if (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out deliveryCount) || deliveryCount < 1)
            {
                error = $"Metadata.{countName} '{countText}' is not a positive whole number.";
                return false;
            }
        }

        DateTimeOffset? enqueuedAt = null;
        if ((Text(metadata, timeName) ?? (source == QueueDeliverySource.ServiceBus ? Text(metadata, "EnqueuedTime") : null)) is { } timeText)
        {
            if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                error = $"Metadata.{timeName} '{timeText}' is not a date and time.";
                return false;
            }

            enqueuedAt = parsed;
        }

        message = new IncomingMessage
        {
            Id = id,
            Body = DecodeBody(value),
            Attributes = source == QueueDeliverySource.ServiceBus ? Properties(metadata) : new Dictionary<string, string>(StringComparer.Ordinal),
            DeliveryCount = deliveryCount,
            EnqueuedAt = enqueuedAt,
            Source = queue,
            OrderingKey = source == QueueDeliverySource.ServiceBus ? Text(metadata, "SessionId") : null,
        };
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// The message bytes from the value the host put under <c>Data</c>. The host hands a Storage queue message
    /// over as its text, already base64-decoded under the default <c>messageEncoding</c> (a JSON message is
    /// still a string). A string is therefore taken as UTF-8 text, with one exception: a string that is not
    /// JSON itself but is canonical base64 of a UTF-8 JSON document is decoded — what arrives when a base64
    /// publisher meets a host set to <c>messageEncoding: none</c>, or when a binding has
    /// <c>dataType: binary</c> (the host renders bytes as base64). Plain text such as <c>abcd</c>, which is
    /// valid base64 of non-JSON bytes, stays text. An object or array (a host that parsed a JSON message) is
    /// its JSON text; <c>null</c> is an empty body.
    /// </summary>
    public static ReadOnlyMemory<byte> DecodeBody(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return ReadOnlyMemory<byte>.Empty;
            case JsonValueKind.String:
                return DecodeBody(value.GetString()!);
            default:
                return Encoding.UTF8.GetBytes(value.GetRawText());
        }
    }

    /// <summary>
    /// The message bytes from the message text the host delivered (see <see cref="DecodeBody(JsonElement)"/> for a
    /// string): UTF-8 text, unless it is canonical base64 of a UTF-8 JSON document that is not JSON itself.
    /// </summary>
    public static ReadOnlyMemory<byte> DecodeBody(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryDecodeBase64Json(text, out var decoded) ? decoded : Encoding.UTF8.GetBytes(text);
    }

    /// <summary>
    /// The 2xx response body: <c>{"Outputs":{},"Logs":[…],"ReturnValue":null}</c>. The host re-logs
    /// <paramref name="logs"/> at Information level.
    /// </summary>
    public static byte[] WriteResponse(IReadOnlyList<string> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("Outputs");
            writer.WriteEndObject();
            writer.WriteStartArray("Logs");
            foreach (var log in logs)
            {
                writer.WriteStringValue(log);
            }

            writer.WriteEndArray();
            writer.WriteNull("ReturnValue");
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool TryDecodeBase64Json(string text, out byte[] decoded)
    {
        decoded = [];
        if (text.Length < 4 || text.Length % 4 != 0 || !Base64.IsValid(text.AsSpan()) || IsJson(Encoding.UTF8.GetBytes(text)))
        {
            return false;
        }

        try
        {
            var bytes = Convert.FromBase64String(text);
            _ = StrictUtf8.GetString(bytes);
            if (!IsJson(bytes))
            {
                return false;
            }

            decoded = bytes;
            return true;
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return false;
        }
    }

    private static bool IsJson(byte[] bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static Dictionary<string, string> Properties(JsonElement metadata)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in (ReadOnlySpan<string>)["UserProperties", "ApplicationProperties"])
        {
            if (HttpPayload.TryGetProperty(metadata, name, out var properties))
            {
                // A JSON-serialised string holding the object is what the host sends for values it cannot map.
                if (properties.ValueKind == JsonValueKind.String && properties.GetString() is { Length: > 0 } json)
                {
                    try
                    {
                        using var document = JsonDocument.Parse(json);
                        AddProperties(document.RootElement, attributes);
                    }
                    catch (JsonException)
                    {
                        // Not an object: no properties to take.
                    }
                }
                else
                {
                    AddProperties(properties, attributes);
                }
            }
        }

        return attributes;
    }

    private static void AddProperties(JsonElement properties, Dictionary<string, string> attributes)
    {
        if (properties.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        foreach (var property in properties.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null)
            {
                attributes[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }
        }
    }

    private static string? Text(JsonElement metadata, string name) =>
        metadata.ValueKind == JsonValueKind.Object && HttpPayload.TryGetProperty(metadata, name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;
}
