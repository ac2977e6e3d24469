using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Portable.Gcp.Events;

/// <summary>
/// Writes a <see cref="CloudEvent"/> in the CloudEvents JSON format (structured mode), with a <see cref="Utf8JsonWriter"/>
/// and no reflection (Native AOT). JSON data is written as the <c>data</c> value, text data as a string, anything else
/// as <c>data_base64</c>.
/// </summary>
public static class CloudEventJson
{
    /// <summary>The structured-mode media type (CloudEvents JSON format 1.0).</summary>
    public const string MediaType = "application/cloudevents+json";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The event as one JSON object: specversion, id, source, type, the optional attributes, extensions, then the data.</summary>
    public static byte[] Serialize(CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        var buffer = new ArrayBufferWriter<byte>(256 + cloudEvent.Data.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, cloudEvent);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the event as one JSON object to <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, CloudEvent cloudEvent)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(cloudEvent);
        writer.WriteStartObject();
        writer.WriteString("specversion", cloudEvent.SpecVersion);
        writer.WriteString("id", cloudEvent.Id);
        writer.WriteString("source", cloudEvent.Source);
        writer.WriteString("type", cloudEvent.Type);
        WriteIfSet(writer, "subject", cloudEvent.Subject);
        if (cloudEvent.Time is { } time)
        {
            writer.WriteString("time", FormatTime(time));
        }

        WriteIfSet(writer, "datacontenttype", cloudEvent.DataContentType);
        WriteIfSet(writer, "dataschema", cloudEvent.DataSchema);
        foreach (var (name, value) in cloudEvent.Extensions)
        {
            writer.WriteString(name, value);
        }

        WriteData(writer, cloudEvent);
        writer.WriteEndObject();
    }

    /// <summary>An RFC 3339 UTC time with as many fractional digits as it has (none when whole seconds).</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    private static void WriteData(Utf8JsonWriter writer, CloudEvent cloudEvent)
    {
        var data = cloudEvent.Data.Span;
        if (data.IsEmpty)
        {
            return;
        }

        if (cloudEvent.IsJsonData && IsJson(data))
        {
            writer.WritePropertyName("data");
            writer.WriteRawValue(data, skipInputValidation: true);
            return;
        }

        if (cloudEvent.DataContentType is { } type && type.StartsWith("text/", StringComparison.OrdinalIgnoreCase) && TryDecodeUtf8(data, out var text))
        {
            writer.WriteString("data", text);
            return;
        }

        writer.WriteBase64String("data_base64", data);
    }

    private static bool IsJson(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool TryDecodeUtf8(ReadOnlySpan<byte> data, out string text)
    {
        try
        {
            text = StrictUtf8.GetString(data);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }

    private static void WriteIfSet(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }
}
