using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Portable.Core.Http;

namespace Portable.Testing;

/// <summary>What the payload builders share: a JSON writer escaping as little as the platforms do, and the body and time encodings.</summary>
internal static class PayloadJson
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The UTF-8 JSON <paramref name="write"/> writes.</summary>
    public static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The body as text when it is UTF-8, or null when it is not (a binary body travels as base64).</summary>
    public static string? Utf8Text(ReadOnlyMemory<byte> body)
    {
        try
        {
            return StrictUtf8.GetString(body.Span);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>True for a media type whose body a platform passes on as text: <c>text/*</c>, JSON, XML, forms, JavaScript.</summary>
    public static bool IsTextual(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return true;
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        return mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || JsonRequestBody.IsJsonContentType(mediaType)
            || mediaType.EndsWith("/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Writes <c>body</c> (a string, omitted or null when empty) and <c>isBase64Encoded</c>, as API Gateway and
    /// Function URLs do: text bodies as they are, anything else base64.
    /// </summary>
    public static void WriteLambdaBody(Utf8JsonWriter w, PortableHttpRequest request, bool nullWhenEmpty)
    {
        if (request.Body.IsEmpty)
        {
            if (nullWhenEmpty)
            {
                w.WriteNull("body");
            }

            w.WriteBoolean("isBase64Encoded", false);
            return;
        }

        var text = IsTextual(request.ContentType) ? Utf8Text(request.Body) : null;
        w.WriteString("body", text ?? Convert.ToBase64String(request.Body.Span));
        w.WriteBoolean("isBase64Encoded", text is null);
    }

    /// <summary>Writes <paramref name="values"/> as a JSON object of strings.</summary>
    public static void WriteStringMap(Utf8JsonWriter w, string name, IEnumerable<KeyValuePair<string, string>> values)
    {
        w.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }

    /// <summary>Writes <paramref name="values"/> as a JSON array of strings.</summary>
    public static void WriteStringArray(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    /// <summary>Milliseconds since the Unix epoch.</summary>
    public static long EpochMilliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    /// <summary>API Gateway's request time: <c>12/Mar/2020:19:03:58 +0000</c>.</summary>
    public static string ApiGatewayTime(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("dd/MMM/yyyy:HH:mm:ss +0000", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 in UTC with milliseconds, as Google writes it: <c>2022-02-15T11:28:32.942Z</c>.</summary>
    public static string Rfc3339(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
