using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace Portable.Core.Events;

/// <summary>
/// One routed event, the same on every cloud: an EventBridge event, an Eventarc or Event Grid CloudEvent, an event
/// of the local bus. Routing rules match its EventBridge envelope (<see cref="WriteEnvelope"/>), so a rule routes the
/// same events on every host.
/// </summary>
public sealed record PortableEvent
{
    private static readonly IReadOnlyDictionary<string, string> EmptyAttributes = new Dictionary<string, string>();
    private static readonly JsonElement EmptyDetail = EmptyObject();

    /// <summary>The event's id, unique per event (EventBridge <c>id</c>, CloudEvents <c>id</c>).</summary>
    public required string Id { get; init; }

    /// <summary>Who emitted it (EventBridge <c>source</c>, CloudEvents <c>source</c>), such as <c>orders</c> or <c>aws.s3</c>.</summary>
    public required string Source { get; init; }

    /// <summary>What kind of event it is (EventBridge <c>detail-type</c>, CloudEvents <c>type</c>), such as <c>inventory.reserved</c>.</summary>
    public required string DetailType { get; init; }

    /// <summary>When it happened (EventBridge <c>time</c>, CloudEvents <c>time</c>).</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>What it is about, when the platform says (CloudEvents <c>subject</c>); EventBridge has no such field, so rules do not see it.</summary>
    public string? Subject { get; init; }

    /// <summary>The event's own data (EventBridge <c>detail</c>, CloudEvents <c>data</c>): a JSON object, <c>{}</c> when there is none.</summary>
    public JsonElement Detail { get; init; } = EmptyDetail;

    /// <summary>String attributes carried beside the event (the W3C <c>traceparent</c>, CloudEvents extensions); not matched by rules.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = EmptyAttributes;

    /// <summary>The account it was emitted in (EventBridge <c>account</c>), when the platform says.</summary>
    public string? Account { get; init; }

    /// <summary>The region it was emitted in (EventBridge <c>region</c>), when the platform says.</summary>
    public string? Region { get; init; }

    /// <summary>The resources it concerns, as ids or ARNs (EventBridge <c>resources</c>); empty when none.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];

    /// <summary>
    /// Writes the EventBridge envelope rules match: <c>{"version":"0","id","detail-type","source","account","time",
    /// "region","resources","detail"}</c>, the time in UTC to the second as EventBridge writes it
    /// (<c>2017-12-22T18:43:48Z</c>); <c>account</c> and <c>region</c> only when known.
    /// </summary>
    public void WriteEnvelope(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("version", "0");
        writer.WriteString("id", Id);
        writer.WriteString("detail-type", DetailType);
        writer.WriteString("source", Source);
        if (Account is not null)
        {
            writer.WriteString("account", Account);
        }

        writer.WriteString("time", Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        if (Region is not null)
        {
            writer.WriteString("region", Region);
        }

        writer.WriteStartArray("resources");
        foreach (var resource in Resources)
        {
            writer.WriteStringValue(resource);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("detail");
        Detail.WriteTo(writer);
        writer.WriteEndObject();
    }

    /// <summary>The EventBridge envelope (<see cref="WriteEnvelope"/>) as UTF-8 JSON.</summary>
    public byte[] ToEnvelopeUtf8()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteEnvelope(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Reads an EventBridge event — what a rule delivers to a Lambda, an SQS queue or an HTTP target. <c>detail</c>
    /// given as a string holding a JSON object (as EventBridge Scheduler sends <c>"{}"</c>) is read as that object.
    /// </summary>
    /// <exception cref="FormatException">It is not an EventBridge event: the message names the field that is missing or of the wrong type.</exception>
    public static PortableEvent FromEnvelope(JsonElement envelope)
    {
        if (envelope.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"An EventBridge event is a JSON object; this one is {envelope.ValueKind}.");
        }

        var time = RequiredString(envelope, "time");
        if (!DateTimeOffset.TryParse(time, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when))
        {
            throw new FormatException($"The EventBridge event's 'time' is not a timestamp: '{time}'.");
        }

        return new PortableEvent
        {
            Id = RequiredString(envelope, "id"),
            Source = RequiredString(envelope, "source"),
            DetailType = RequiredString(envelope, "detail-type"),
            Time = when,
            Account = OptionalString(envelope, "account"),
            Region = OptionalString(envelope, "region"),
            Resources = ReadResources(envelope),
            Detail = ReadDetail(envelope),
        };
    }

    /// <summary>Reads an EventBridge event from UTF-8 JSON (see <see cref="FromEnvelope(JsonElement)"/>).</summary>
    /// <exception cref="FormatException">The bytes are not JSON, or not an EventBridge event.</exception>
    public static PortableEvent FromEnvelope(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            return FromEnvelope(document.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"The EventBridge event is not valid JSON: {ex.Message}", ex);
        }
    }

    private static JsonElement EmptyObject()
    {
        using var document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    private static string RequiredString(JsonElement envelope, string name) =>
        envelope.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw new FormatException($"The EventBridge event has no string '{name}'.");

    private static string? OptionalString(JsonElement envelope, string name)
    {
        if (!envelope.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"The EventBridge event's '{name}' is not a string.");
    }

    private static string[] ReadResources(JsonElement envelope)
    {
        if (!envelope.TryGetProperty("resources", out var resources) || resources.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (resources.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("The EventBridge event's 'resources' is not an array.");
        }

        var list = new List<string>(resources.GetArrayLength());
        foreach (var resource in resources.EnumerateArray())
        {
            list.Add(resource.ValueKind == JsonValueKind.String
                ? resource.GetString()!
                : throw new FormatException("The EventBridge event's 'resources' holds a value that is not a string."));
        }

        return [.. list];
    }

    private static JsonElement ReadDetail(JsonElement envelope)
    {
        if (!envelope.TryGetProperty("detail", out var detail) || detail.ValueKind == JsonValueKind.Null)
        {
            return EmptyDetail;
        }

        if (detail.ValueKind == JsonValueKind.Object)
        {
            return detail.Clone();
        }

        if (detail.ValueKind == JsonValueKind.String)
        {
            try
            {
                using var inner = JsonDocument.Parse(detail.GetString()!);
                if (inner.RootElement.ValueKind == JsonValueKind.Object)
                {
                    return inner.RootElement.Clone();
                }
            }
            catch (JsonException)
            {
                // Not a JSON object in a string: refused below.
            }
        }

        throw new FormatException("The EventBridge event's 'detail' is not a JSON object.");
    }
}
