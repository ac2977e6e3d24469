using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// A field's array of values to match, any of which may match (OR). The event field's leaf values are its scalar
/// (string, number, boolean, null), or the scalars of its array, nested arrays included; an object holds no leaf
/// value, so it counts as absent — <c>{"exists": false}</c> matches it, as EventBridge documents.
/// </summary>
/// <param name="values">The value matchers; one leaf value matching one of them is enough.</param>
/// <param name="whenPresent">True when the array holds <c>{"exists": true}</c>: any leaf value matches.</param>
/// <param name="whenAbsent">True when the array holds <c>{"exists": false}</c>: no leaf value matches.</param>
internal sealed class LeafPattern(ValueMatcher[] values, bool whenPresent, bool whenAbsent) : FieldPattern
{
    /// <inheritdoc />
    public override bool Matches(JsonElement? value)
    {
        if (value is not { } present)
        {
            return whenAbsent;
        }

        var hasLeaf = false;
        return AnyLeafMatches(present, ref hasLeaf) || (hasLeaf ? whenPresent : whenAbsent);
    }

    private bool AnyLeafMatches(JsonElement value, ref bool hasLeaf)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                return false;
            case JsonValueKind.Array:
                foreach (var element in value.EnumerateArray())
                {
                    if (AnyLeafMatches(element, ref hasLeaf))
                    {
                        return true;
                    }
                }

                return false;
            default:
                hasLeaf = true;
                foreach (var matcher in values)
                {
                    if (matcher.Matches(value))
                    {
                        return true;
                    }
                }

                return false;
        }
    }
}
