using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// A literal in a field's array: a string (compared character by character, case-sensitive), a number (compared by
/// its JSON text, as EventBridge's user guide states: <c>300</c>, <c>300.0</c> and <c>3.0e2</c> are not equal; the
/// <c>numeric</c> operator compares by value), or <c>true</c>, <c>false</c>, <c>null</c>. Types never mix: <c>"5"</c>
/// does not match <c>5</c>, and <c>null</c> does not match <c>""</c> or a missing field.
/// </summary>
internal sealed class ExactValueMatcher : ValueMatcher
{
    private readonly JsonValueKind _kind;
    private readonly string? _text;

    private ExactValueMatcher(JsonValueKind kind, string? text)
    {
        _kind = kind;
        _text = text;
    }

    /// <summary>The literal <paramref name="literal"/> of the pattern (a string, number, boolean or null).</summary>
    public static ExactValueMatcher For(JsonElement literal) => literal.ValueKind switch
    {
        JsonValueKind.String => new ExactValueMatcher(JsonValueKind.String, literal.GetString()),
        JsonValueKind.Number => new ExactValueMatcher(JsonValueKind.Number, literal.GetRawText()),
        _ => new ExactValueMatcher(literal.ValueKind, null),
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
            JsonValueKind.Number => string.Equals(leaf.GetRawText(), _text, StringComparison.Ordinal),
            _ => true,
        };
    }
}
