using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// <c>numeric</c>: a number value within the bounds (<c>=</c> is a range of one point). Only JSON numbers match: a
/// string holding digits does not, as EventBridge documents.
/// </summary>
internal sealed class NumericRangeMatcher(JsonNumber? lower, bool lowerInclusive, JsonNumber? upper, bool upperInclusive) : ValueMatcher
{
    /// <inheritdoc />
    public override bool Matches(JsonElement leaf)
    {
        if (leaf.ValueKind != JsonValueKind.Number || !JsonNumber.TryRead(leaf, out var value))
        {
            return false;
        }

        if (lower is { } bottom)
        {
            var compared = value.CompareTo(bottom);
            if (compared < 0 || (compared == 0 && !lowerInclusive))
            {
                return false;
            }
        }

        if (upper is { } top)
        {
            var compared = value.CompareTo(top);
            if (compared > 0 || (compared == 0 && !upperInclusive))
            {
                return false;
            }
        }

        return true;
    }
}
