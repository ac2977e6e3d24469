using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// An EventBridge event pattern, parsed and checked once, then matched against any number of events. It speaks the
/// whole language EventBridge documents (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html):
/// literal strings, numbers, booleans and null; nested objects; arrays in the event (a match on any element, fields
/// of one pattern object always from the same element); <c>prefix</c>, <c>suffix</c> and <c>equals-ignore-case</c>
/// (and their ignore-case forms); <c>anything-but</c> with a value, a list, or <c>prefix</c>, <c>suffix</c>,
/// <c>equals-ignore-case</c> or <c>wildcard</c>; <c>numeric</c> ranges; <c>exists</c>; <c>cidr</c> for IPv4 and IPv6;
/// <c>wildcard</c>; and <c>$or</c> at any level.
/// <code>
/// var pattern = EventPattern.Parse("""{"source": ["orders"], "detail": {"total": [{"numeric": [">", 100]}]}}""");
/// bool routed = pattern.Matches(envelope);
/// </code>
/// Matching is case-sensitive except for <c>equals-ignore-case</c>; numbers compare by value (<c>300</c>, <c>300.0</c>
/// and <c>3.0e2</c> are equal, as in EventBridge's matcher); <c>null</c> is a value, distinct from <c>""</c> and from a
/// missing field; <c>{"exists": false}</c> matches a missing field, and every other matcher needs the field present.
/// </summary>
public sealed class EventPattern
{
    private readonly ObjectPattern _root;

    private EventPattern(ObjectPattern root, string json)
    {
        _root = root;
        Json = json;
    }

    /// <summary>The pattern's JSON as it was given: what an EventBridge rule's <c>EventPattern</c> carries.</summary>
    public string Json { get; }

    /// <summary>Parses the pattern in <paramref name="json"/>.</summary>
    /// <exception cref="EventPatternException">The text is not JSON, or not a pattern EventBridge accepts; the message says where and why.</exception>
    public static EventPattern Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new EventPatternException("$", $"the pattern is not valid JSON ({ex.Message})", ex);
        }

        using (document)
        {
            return new EventPattern(PatternCompiler.Compile(document.RootElement), json);
        }
    }

    /// <summary>Parses the pattern <paramref name="pattern"/>, already read as JSON.</summary>
    /// <exception cref="EventPatternException">It is not a pattern EventBridge accepts; the message says where and why.</exception>
    public static EventPattern Parse(JsonElement pattern) => new(PatternCompiler.Compile(pattern), pattern.GetRawText());

    /// <summary>Whether <paramref name="event"/> — an event object, such as the EventBridge envelope — matches. A JSON value that is not an object never does.</summary>
    public bool Matches(JsonElement @event) => @event.ValueKind == JsonValueKind.Object && _root.MatchesObject(@event);

    /// <summary>Whether the UTF-8 JSON event <paramref name="utf8Event"/> matches.</summary>
    /// <exception cref="JsonException">The bytes are not one JSON value.</exception>
    public bool Matches(ReadOnlySpan<byte> utf8Event)
    {
        var reader = new Utf8JsonReader(utf8Event);
        using var document = JsonDocument.ParseValue(ref reader);
        if (reader.Read())
        {
            throw new JsonException("The event holds more than one JSON value.");
        }

        return Matches(document.RootElement);
    }

    /// <summary>The pattern's JSON (<see cref="Json"/>).</summary>
    public override string ToString() => Json;
}
