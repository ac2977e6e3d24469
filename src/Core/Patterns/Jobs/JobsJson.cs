using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// JSON for chunk messages and records, escaping only what JSON requires (quotes, backslashes, control characters):
/// category names in any script cost their UTF-8 bytes, not six bytes a character, so the sizes the split budgets for
/// are the sizes written.
/// </summary>
internal static class JobsJson
{
    /// <summary>The encoder every message and record is written with.</summary>
    public static JavaScriptEncoder Encoder { get; } = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = Encoder };

    /// <summary>Serialises <paramref name="value"/> with <see cref="Encoder"/>.</summary>
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>How many bytes <paramref name="text"/> takes inside a JSON string written with <see cref="Encoder"/>.</summary>
    public static int EscapedLength(ReadOnlySpan<char> text) =>
        text.IsEmpty ? 0 : JsonEncodedText.Encode(text, Encoder).EncodedUtf8Bytes.Length;
}
