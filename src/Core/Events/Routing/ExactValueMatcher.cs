using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// A literal in a field's array: a string (compared character by character, case-sensitive), a number (compared by
/// value), or <c>true</c>, <c>false</c>, <c>null</c>. Types never mix: <c>"5"</c> does not match <c>5</c>, and
/// <c>null</c> does not match <c>""</c> or a missing field.
/// </summary>
internal sealed class ExactValueMatcher : ValueMatcher
{
    private readonly JsonValueKind _kind;
    private readonly string? _text;
    private readonly JsonNumber? _number;

    private ExactValueMatcher(JsonValueKind kind, string? text, JsonNumber? number)
    {
        _kind = kind;
        _text = text;
        _number = number;
    }

    /// <summary>The literal <paramref name="literal"/> of the pattern (a string, number, boolean or null).</summary>
    public static ExactValueMatcher For(JsonElement literal) => literal.ValueKind switch
    {
        JsonValueKind.String => new ExactValueMatcher(JsonValueKind.String, literal.GetString(), null),
        // A number too large for a double can still equal the event's by its text, as EventBridge's literal matcher does.
        JsonValueKind.Number => new ExactValueMatcher(
            JsonValueKind.Number, literal.GetRawText(), JsonNumber.TryRead(literal, out var number) ? number : null),
        _ => new ExactValueMatcher(literal.ValueKind, null, null),
    };

    /// <inheritdoc />
    public override bool Matches(JsonElement leaf)
    {
        if (leaf.ValueKind != _kind)
        {
            return false;
        }

        return _kind switch
        {
            JsonValueKind.String => leaf.ValueEquals(_text),
            JsonValueKind.Number => _number is { } number && JsonNumber.TryRead(leaf, out var value)
                ? value.CompareTo(number) == 0
                : string.Equals(leaf.GetRawText(), _text, StringComparison.Ordinal),
            _ => true,
        };
    }
}
