using System.Buffers;
using System.Text.Json;
using System.Text.Unicode;
using Portable.Core.Http;

namespace Portable.Aws.Events;

/// <summary>
/// Step 5 for HTTP on AWS: writes the neutral response as the Lambda result API Gateway or the Function URL
/// expects — <c>{statusCode, headers, cookies, body, isBase64Encoded}</c> for payload 2.0 and
/// <c>{statusCode, headers, multiValueHeaders, body, isBase64Encoded}</c> for REST v1 — with <see cref="Utf8JsonWriter"/>.
/// </summary>
public static class ApiGatewayResponseWriter
{
    // The gateway reads the result as JSON, not as HTML: escape only what JSON requires (a body's quotes as \" rather
    // than \u0022), which keeps the payload smaller and the writer's work less.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The response JSON, UTF-8 (the memory of a buffer of its own, not copied out of it).</summary>
    public static ReadOnlyMemory<byte> Write(HttpEventFormat format, PortableHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var buffer = new ArrayBufferWriter<byte>(512 + (response.Body.Length * 4 / 3));
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            Write(writer, format, response);
        }

        return buffer.WrittenMemory;
    }

    /// <summary>
    /// Writes the response JSON to <paramref name="writer"/> and flushes it, so that a caller can keep one writer and
    /// buffer for every invocation (<see cref="CreateWriter"/>) instead of allocating them each time.
    /// </summary>
    public static void Write(Utf8JsonWriter writer, HttpEventFormat format, PortableHttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(response);
        writer.WriteStartObject();
        writer.WriteNumber("statusCode", response.StatusCode);
        if (format == HttpEventFormat.RestV1)
        {
            WriteV1Headers(writer, response.Headers);
        }
        else
        {
            WriteV2Headers(writer, response.Headers);
        }

        var asText = IsText(response.Headers["Content-Type"], response.Body.Span);
        if (asText)
        {
            writer.WriteString("body", response.Body.Span); // UTF-8 bytes, escaped as JSON needs
        }
        else
        {
            writer.WriteBase64String("body", response.Body.Span);
        }

        writer.WriteBoolean("isBase64Encoded", !asText);
        writer.WriteEndObject();
        writer.Flush();
    }

    /// <summary>A writer over <paramref name="output"/> with the escaping the gateway's JSON needs (see <see cref="Write(Utf8JsonWriter, HttpEventFormat, PortableHttpResponse)"/>).</summary>
    public static Utf8JsonWriter CreateWriter(IBufferWriter<byte> output) => new(output, WriterOptions);

    /// <summary>
    /// True when a body can travel as a JSON string: empty, or valid UTF-8 with a textual media type (<c>text/*</c>,
    /// JSON, XML, JavaScript, form data). Anything else is base64-encoded.
    /// </summary>
    public static bool IsText(string? contentType, ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return true;
        }

        if (string.IsNullOrWhiteSpace(contentType) || !Utf8.IsValid(body))
        {
            return false;
        }

        var mediaType = contentType.AsSpan();
        if (mediaType.IndexOf(';') is var parameters and >= 0)
        {
            mediaType = mediaType[..parameters];
        }

        mediaType = mediaType.Trim();
        return mediaType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/xml", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/javascript", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase);
    }

    // Payload 2.0 has no multi-value headers: values are comma-joined, and Set-Cookie goes to cookies[].
    private static void WriteV2Headers(Utf8JsonWriter writer, HeaderMap headers)
    {
        writer.WriteStartObject("headers");
        foreach (var name in headers.Names)
        {
            if (!name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase))
            {
                var values = headers.GetValues(name);
                writer.WriteString(name, values.Count == 1 ? values[0] : string.Join(",", values));
            }
        }

        writer.WriteEndObject();
        writer.WriteStartArray("cookies");
        foreach (var cookie in headers.GetValues("Set-Cookie"))
        {
            writer.WriteStringValue(cookie);
        }

        writer.WriteEndArray();
    }

    // REST v1 merges headers and multiValueHeaders, and for a name in both keeps multiValueHeaders' values, so
    // every header goes in multiValueHeaders and the single-valued ones in headers too (for readers of headers).
    private static void WriteV1Headers(Utf8JsonWriter writer, HeaderMap headers)
    {
        writer.WriteStartObject("headers");
        foreach (var name in headers.Names)
        {
            var values = headers.GetValues(name);
            if (values.Count == 1)
            {
                writer.WriteString(name, values[0]);
            }
        }

        writer.WriteEndObject();
        writer.WriteStartObject("multiValueHeaders");
        foreach (var name in headers.Names)
        {
            writer.WriteStartArray(name);
            foreach (var value in headers.GetValues(name))
            {
                writer.WriteStringValue(value);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
