using System.Text.Json.Nodes;
using Portable.Deploy.EventGrid;

namespace Portable.Deploy.Tests.EventGrid;

/// <summary>
/// Event Grid's advanced filters as its documentation states them (https://learn.microsoft.com/azure/event-grid/event-filtering):
/// all filters must pass (AND), one filter's values are alternatives (OR); string comparisons ignore case; with
/// <c>enableAdvancedFilteringOnArrays</c> an array key passes when one of its elements does, elements of another type
/// being ignored; a missing key fails every operator used here. Keys are CloudEvents attributes or <c>data.field</c>.
/// </summary>
internal static class EventGridEvaluator
{
    public static bool Passes(IEnumerable<EventGridAdvancedFilter> filters, JsonObject cloudEvent) => filters.All(f => Passes(f, cloudEvent));

    private static bool Passes(EventGridAdvancedFilter filter, JsonObject cloudEvent)
    {
        JsonNode? node = cloudEvent;
        foreach (var part in filter.Key.Split('.'))
        {
            node = node is JsonObject obj && obj.TryGetPropertyValue(part, out var child) ? child : null;
        }

        if (node is null)
        {
            return false;
        }

        var leaves = node is JsonArray array ? [.. array] : new List<JsonNode?> { node };
        var strings = leaves.OfType<JsonValue>().Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.String).Select(v => v.GetValue<string>()).ToList();
        var numbers = leaves.OfType<JsonValue>().Where(v => v.GetValueKind() == System.Text.Json.JsonValueKind.Number).Select(v => v.GetValue<double>()).ToList();
        var booleans = leaves.OfType<JsonValue>().Where(v => v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False).Select(v => v.GetValue<bool>()).ToList();
        var texts = filter.OperatorType.StartsWith("String", StringComparison.Ordinal) ? filter.Values!.Select(v => v!.GetValue<string>()).ToList() : [];
        return filter.OperatorType switch
        {
            "StringIn" => strings.Any(s => texts.Any(t => string.Equals(s, t, StringComparison.OrdinalIgnoreCase))),
            "StringBeginsWith" => strings.Any(s => texts.Any(t => s.StartsWith(t, StringComparison.OrdinalIgnoreCase))),
            "StringEndsWith" => strings.Any(s => texts.Any(t => s.EndsWith(t, StringComparison.OrdinalIgnoreCase))),
            "NumberIn" => numbers.Any(n => filter.Values!.Any(v => v!.GetValue<double>() == n)),
            "NumberGreaterThan" => numbers.Any(n => n > filter.Value!.GetValue<double>()),
            "NumberGreaterThanOrEquals" => numbers.Any(n => n >= filter.Value!.GetValue<double>()),
            "NumberLessThan" => numbers.Any(n => n < filter.Value!.GetValue<double>()),
            "NumberLessThanOrEquals" => numbers.Any(n => n <= filter.Value!.GetValue<double>()),
            "NumberInRange" => numbers.Any(n => filter.Values!.Any(r => n >= r![0]!.GetValue<double>() && n <= r[1]!.GetValue<double>())),
            "BoolEquals" => booleans.Any(b => b == filter.Value!.GetValue<bool>()),
            var other => throw new InvalidOperationException($"The evaluator does not know {other}."),
        };
    }
}
