using System.Text.Json.Nodes;

namespace Portable.Deploy.EventGrid;

/// <summary>
/// One advanced filter of an Event Grid subscription, as ARM writes it: an operator, a key (<c>source</c>, <c>type</c>,
/// <c>id</c> or <c>data.field</c> for CloudEvents) and a value (<c>NumberGreaterThan</c>, <c>BoolEquals</c>…) or values
/// (<c>StringIn</c>, <c>NumberIn</c>, <c>NumberInRange</c>'s <c>[low, high]</c> pairs…)
/// (https://learn.microsoft.com/azure/event-grid/event-filtering#advanced-filtering).
/// </summary>
/// <param name="OperatorType">The operator, such as <c>StringIn</c>.</param>
/// <param name="Key">The event field it tests.</param>
/// <param name="Value">The one value of a single-value operator; null otherwise.</param>
/// <param name="Values">The values of a many-value operator; null otherwise.</param>
public sealed record EventGridAdvancedFilter(string OperatorType, string Key, JsonNode? Value, JsonArray? Values)
{
    /// <summary>How many values the filter spends of the subscription's limit (25 across all its filters).</summary>
    public int ValueCount => Values?.Count ?? (Value is null ? 0 : 1);
}
