using System.Text.Json;

namespace Portable.Core.Invocation;

/// <summary>
/// Recognises a keep-warm ping: a JSON object whose top-level <c>warmer</c> property is <c>true</c>
/// (<c>{"warmer": true}</c>), which a host answers before any work so it never reaches a handler. Cheap on every
/// other payload: one byte search before any parsing.
/// </summary>
public static class Warmup
{
    /// <summary>True when <paramref name="payload"/> is a keep-warm ping; false for anything else, malformed JSON included.</summary>
    public static bool IsWarmer(ReadOnlySpan<byte> payload)
    {
        // A payload without the property name cannot be a ping (an escaped spelling of the name is not one either).
        if (payload.IndexOf("\"warmer\""u8) < 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isWarmer = reader.ValueTextEquals("warmer"u8);
                if (!reader.Read())
                {
                    return false;
                }

                if (isWarmer)
                {
                    return reader.TokenType == JsonTokenType.True;
                }

                reader.Skip();
            }

            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
