using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>One entry of a field's array of values to match, tested against one leaf value (a string, number, boolean or null).</summary>
internal abstract class ValueMatcher
{
    /// <summary>Whether <paramref name="leaf"/>, a scalar of the event, matches.</summary>
    public abstract bool Matches(JsonElement leaf);
}
