using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Portable.Core.Messaging;

namespace Portable.Azure.Worker;

/// <summary>
/// Maps a Storage queue trigger invocation of the isolated worker to Portable's neutral message. The host sends the
/// message text as the trigger input (already base64-decoded under host.json's <c>messageEncoding</c>) and the
/// message's properties as binding data (protocol digest §3.3): <c>Id</c> and <c>PopReceipt</c> as strings,
/// <c>DequeueCount</c> and the times as JSON (<c>1</c>, <c>"2026-01-01T00:00:00+00:00"</c> with its quotes).
/// </summary>
public static class WorkerQueueMapping
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads one message. <paramref name="queue"/> becomes <see cref="IncomingMessage.Source"/>; <paramref name="fallbackId"/>
    /// (the invocation id) is the id of a message whose binding data carries none. The body is decoded by
    /// <see cref="DecodeBody"/> (text, or base64 of a JSON document when a base64 publisher meets a host set to
    /// <c>messageEncoding: none</c>); a null body is empty.
    /// </summary>
    public static bool TryReadMessage(string? body, IReadOnlyDictionary<string, object?> bindingData, string queue, string? fallbackId, out IncomingMessage message, out string error)
    {
        ArgumentNullException.ThrowIfNull(bindingData);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        message = null!;
        var id = Text(bindingData, "Id") ?? fallbackId;
        if (string.IsNullOrEmpty(id))
        {
            error = "The binding data has no Id, and there is no invocation id to stand in for it.";
            return false;
        }

        var deliveryCount = 1;
        if (Text(bindingData, "DequeueCount") is { } countText
            && (!int.TryParse(countText, NumberStyles.None, CultureInfo.InvariantCulture, out deliveryCount) || deliveryCount < 1))
        {
            error = $"DequeueCount '{countText}' is not a positive whole number.";
            return false;
        }

        DateTimeOffset? enqueuedAt = null;
        if (Text(bindingData, "InsertionTime") is { } timeText)
        {
            if (!DateTimeOffset.TryParse(timeText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                error = $"InsertionTime '{timeText}' is not a date and time.";
                return false;
            }

            enqueuedAt = parsed;
        }

        message = new IncomingMessage
        {
            Id = id,
            Body = body is null ? ReadOnlyMemory<byte>.Empty : DecodeBody(body),
            DeliveryCount = deliveryCount,
            EnqueuedAt = enqueuedAt,
            Source = queue,
        };
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// The message bytes from the message text the host delivered: UTF-8 text, unless it is canonical base64 of a
    /// UTF-8 JSON document that is not JSON itself (a base64 publisher met by a host set to <c>messageEncoding: none</c>).
    /// </summary>
    public static ReadOnlyMemory<byte> DecodeBody(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryDecodeBase64Json(text, out var decoded) ? decoded : Encoding.UTF8.GetBytes(text);
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

    // A value the host serialized as JSON arrives as its JSON text: a quoted string is unquoted, a number kept as it is.
    private static string? Text(IReadOnlyDictionary<string, object?> bindingData, string name)
    {
        if (!bindingData.TryGetValue(name, out var value) || value is null)
        {
            return null;
        }

        var text = value as string ?? Convert.ToString(value, CultureInfo.InvariantCulture);
        if (text is { Length: >= 2 } && text[0] == '"')
        {
            try
            {
                return JsonSerializer.Deserialize(text, WorkerJsonContext.Default.String);
            }
            catch (JsonException)
            {
                return text;
            }
        }

        return string.IsNullOrEmpty(text) ? null : text;
    }
}
