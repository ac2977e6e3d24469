using System.Text.Json;
using Portable.Gcp.Messaging;

namespace Portable.Gcp.Storage;

/// <summary>Reads Google's JSON error body (<c>{"error":{"code","message","status"}}</c>) for an exception message.</summary>
internal static class GoogleErrorText
{
    /// <summary><c>STATUS: message</c> from a Google error body, or the text itself when it is not one.</summary>
    public static string Describe(string text)
    {
        try
        {
            return JsonSerializer.Deserialize(text, PubSubWireJsonContext.Default.GoogleErrorResponse)?.Error is { } error
                ? $"{error.Status ?? error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture)}: {error.Message}"
                : text;
        }
        catch (JsonException)
        {
            return text;
        }
    }
}
