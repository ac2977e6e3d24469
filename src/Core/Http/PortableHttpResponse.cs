using System.Text.Json.Serialization.Metadata;
using System.Text.Json;
using Portable.Core.Json;

namespace Portable.Core.Http;

/// <summary>A provider-neutral HTTP response: what every adapter writes back in its platform's terms.</summary>
public sealed record PortableHttpResponse
{
    /// <summary>The status code.</summary>
    public required int StatusCode { get; init; }

    /// <summary>The response headers.</summary>
    public HeaderMap Headers { get; init; } = HeaderMap.Empty;

    /// <summary>The response body (empty when there is none).</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>The <c>Content-Type</c> every JSON response carries.</summary>
    public const string JsonContentType = "application/json; charset=utf-8";

    // Shared by every JSON response with no other headers: a map never changes, so one is enough.
    private static readonly HeaderMap JsonHeaders = new HeaderMap.Builder(1).Add("Content-Type", JsonContentType).Build();

    /// <summary>A JSON response serialised with a source-generated <paramref name="typeInfo"/>.</summary>
    public static PortableHttpResponse Json<T>(int statusCode, T value, JsonTypeInfo<T> typeInfo, HeaderMap? headers = null) =>
        new()
        {
            StatusCode = statusCode,
            Headers = headers is null || headers.IsEmpty ? JsonHeaders : headers.With("Content-Type", JsonContentType),
            Body = Serialize(value, typeInfo),
        };

    /// <summary>
    /// A JSON response whose other headers are in <paramref name="headers"/>: the builder's one dictionary becomes the
    /// response's headers, with <c>Content-Type</c> set in it.
    /// </summary>
    public static PortableHttpResponse Json<T>(int statusCode, T value, JsonTypeInfo<T> typeInfo, HeaderMap.Builder headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new()
        {
            StatusCode = statusCode,
            Headers = headers.Set("Content-Type", JsonContentType).Build(),
            Body = Serialize(value, typeInfo),
        };
    }

    // Escape only what JSON requires: error messages quote paths and values, and '\u0027' helps no one.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Each thread's scratch buffer and writer, reused by every response it serialises (as System.Text.Json's own
    // SerializeToUtf8Bytes does): a body then costs its one array. Serialisation never awaits, so no other response can
    // come between taking and leaving them; one grown past ScratchLimit is let go, not kept for the thread's life.
    [ThreadStatic]
    private static JsonScratch? t_scratch;

    private const int ScratchLimit = 64 * 1024;

    private static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var scratch = t_scratch ?? new JsonScratch();
        t_scratch = null; // a converter that serialises a response of its own gets a scratch of its own
        try
        {
            scratch.Writer.Reset(scratch.Buffer);
            JsonSerializer.Serialize(scratch.Writer, value, typeInfo);
            return scratch.Buffer.WrittenSpan.ToArray();
        }
        finally
        {
            scratch.Buffer.ResetWrittenCount();
            if (scratch.Buffer.Capacity <= ScratchLimit)
            {
                t_scratch = scratch;
            }
        }
    }

    private sealed class JsonScratch
    {
        public System.Buffers.ArrayBufferWriter<byte> Buffer { get; } = new(256);

        public Utf8JsonWriter Writer { get; }

        public JsonScratch() => Writer = new Utf8JsonWriter(Buffer, WriterOptions);
    }

    /// <summary>
    /// The project's one error shape: <c>{"error": "...", "details": {...}}</c>, details omitted when empty.
    /// </summary>
    public static PortableHttpResponse Error(int statusCode, string message, IReadOnlyDictionary<string, string>? details = null, HeaderMap? headers = null) =>
        Json(statusCode, ErrorBodyOf(message, details), CoreJsonContext.Default.ErrorBody, headers);

    /// <summary>The error shape of <see cref="Error(int, string, IReadOnlyDictionary{string, string}?, HeaderMap?)"/>, with its other headers in <paramref name="headers"/>.</summary>
    public static PortableHttpResponse Error(int statusCode, string message, IReadOnlyDictionary<string, string>? details, HeaderMap.Builder headers) =>
        Json(statusCode, ErrorBodyOf(message, details), CoreJsonContext.Default.ErrorBody, headers);

    private static ErrorBody ErrorBodyOf(string message, IReadOnlyDictionary<string, string>? details) =>
        new(message, details is { Count: > 0 } ? new Dictionary<string, string>(details) : null);

    /// <summary>A response with no body.</summary>
    public static PortableHttpResponse Empty(int statusCode, HeaderMap? headers = null) =>
        new() { StatusCode = statusCode, Headers = headers ?? HeaderMap.Empty };

    /// <summary>A copy with one header set; it copies the headers, so build them at once where several are set.</summary>
    public PortableHttpResponse WithHeader(string name, string value) => this with { Headers = Headers.With(name, value) };
}
