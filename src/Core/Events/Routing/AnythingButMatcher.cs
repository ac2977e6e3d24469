using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// <c>anything-but</c>: a leaf value matches when none of the excluded matchers does. A value of another type is not
/// excluded (<c>{"anything-but": "stopped"}</c> matches <c>5</c> and <c>null</c>), but a missing field has no value
/// and never matches — EventBridge behaves the same way.
/// </summary>
internal sealed class AnythingButMatcher(ValueMatcher[] excluded) : ValueMatcher
{
    /// <inheritdoc />
    public override bool Matches(JsonElement leaf)
    {
        foreach (var matcher in excluded)
        {
            if (matcher.Matches(leaf))
            {
                return false;
            }
        }

        return true;
    }
}
