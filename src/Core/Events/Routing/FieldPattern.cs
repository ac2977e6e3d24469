using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>What a pattern asks of one field of the event: nested fields (<see cref="ObjectPattern"/>) or values to match (<see cref="LeafPattern"/>).</summary>
internal abstract class FieldPattern
{
    /// <summary>Whether the event's field matches; <paramref name="value"/> is null when the event has no such field.</summary>
    public abstract bool Matches(JsonElement? value);
}
