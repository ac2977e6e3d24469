using System.Globalization;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Portable.Emulators.Azure.Isolated.Rpc;

namespace Portable.Emulators.Azure.Isolated;

/// <summary>Builds <c>TypedData</c> from text and reads it back as text.</summary>
internal static class TypedDataText
{
    public static TypedData String(string text) => new() { String = text };

    public static TypedData Json(string json) => new() { Json = json };

    public static TypedData Bytes(ReadOnlySpan<byte> bytes) => new() { Bytes = ByteString.CopyFrom(bytes) };

    /// <summary>The value as text: strings and JSON as they are, bytes as UTF-8, numbers invariant, collections as a JSON array; null for none or HTTP.</summary>
    public static string? Text(TypedData? data) => data?.DataCase switch
    {
        TypedData.DataOneofCase.String => data.String,
        TypedData.DataOneofCase.Json => data.Json,
        TypedData.DataOneofCase.Bytes => data.Bytes.ToStringUtf8(),
        TypedData.DataOneofCase.Stream => data.Stream.ToStringUtf8(),
        TypedData.DataOneofCase.Int => data.Int.ToString(CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.Double => data.Double.ToString("R", CultureInfo.InvariantCulture),
        TypedData.DataOneofCase.CollectionString => new JsonArray([.. data.CollectionString.String.Select(s => JsonValue.Create(s))]).ToJsonString(),
        TypedData.DataOneofCase.CollectionSint64 => new JsonArray([.. data.CollectionSint64.Sint64.Select(n => JsonValue.Create(n))]).ToJsonString(),
        TypedData.DataOneofCase.CollectionDouble => new JsonArray([.. data.CollectionDouble.Double.Select(n => JsonValue.Create(n))]).ToJsonString(),
        TypedData.DataOneofCase.CollectionBytes => new JsonArray([.. data.CollectionBytes.Bytes.Select(b => JsonValue.Create(b.ToBase64()))]).ToJsonString(),
        _ => null,
    };

    /// <summary>
    /// The messages an output value makes for a queue output binding: one per element of a JSON array or collection
    /// (strings as they are, anything else as JSON), otherwise the value's text as one message.
    /// </summary>
    public static IReadOnlyList<string> Messages(TypedData? data)
    {
        switch (data?.DataCase)
        {
            case TypedData.DataOneofCase.CollectionString:
                return [.. data.CollectionString.String];
            case TypedData.DataOneofCase.Json when JsonArrayOrNull(data.Json) is { } array:
                return [.. array.Select(e => e is JsonValue v && v.TryGetValue<string>(out var text) ? text : e?.ToJsonString() ?? "null")];
            default:
                return Text(data) is { } one ? [one] : [];
        }
    }

    private static JsonArray? JsonArrayOrNull(string json)
    {
        try
        {
            return JsonNode.Parse(json) as JsonArray;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
