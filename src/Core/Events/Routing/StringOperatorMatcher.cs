using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// <c>prefix</c>, <c>suffix</c> and <c>equals-ignore-case</c>, and the ignore-case forms of the first two: they test
/// string values only (a number, boolean or null never matches). Case is compared ordinally, ignoring case only
/// when the pattern says <c>equals-ignore-case</c>.
/// </summary>
internal sealed class StringOperatorMatcher(StringOperatorMatcher.Operation operation, string text, bool ignoreCase) : ValueMatcher
{
    /// <summary>Which comparison.</summary>
    public enum Operation
    {
        /// <summary>The value starts with the text.</summary>
        Prefix,

        /// <summary>The value ends with the text.</summary>
        Suffix,

        /// <summary>The whole value is the text.</summary>
        Whole,
    }

    /// <inheritdoc />
    public override bool Matches(JsonElement leaf)
    {
        if (leaf.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        if (operation == Operation.Whole && !ignoreCase)
        {
            return leaf.ValueEquals(text);
        }

        var value = leaf.GetString()!;
        var comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return operation switch
        {
            Operation.Prefix => value.StartsWith(text, comparison),
            Operation.Suffix => value.EndsWith(text, comparison),
            _ => string.Equals(value, text, comparison),
        };
    }
}
