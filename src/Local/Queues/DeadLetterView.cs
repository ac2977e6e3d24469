using System.Text;
using System.Text.Json.Serialization;

namespace Portable.Local.Queues;

/// <summary>One dead letter as JSON: the body as text when it is UTF-8, else base64 in <c>bodyBase64</c>.</summary>
public sealed record DeadLetterView(
    string Id,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Body,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? BodyBase64,
    IReadOnlyDictionary<string, string> Attributes,
    string Reason,
    int DeliveryCount,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset DeadLetteredAt)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Makes the view of a dead letter.</summary>
    public static DeadLetterView From(DeadLetter letter)
    {
        ArgumentNullException.ThrowIfNull(letter);
        string? text;
        try
        {
            text = StrictUtf8.GetString(letter.Body.Span);
        }
        catch (DecoderFallbackException)
        {
            text = null;
        }

        return new DeadLetterView(letter.Id, text, text is null ? Convert.ToBase64String(letter.Body.Span) : null, letter.Attributes, letter.Reason, letter.DeliveryCount, letter.EnqueuedAt, letter.DeadLetteredAt);
    }
}
