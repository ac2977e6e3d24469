using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Core.Events.Routing;

namespace Portable.Deploy.EventGrid;

/// <summary>
/// Translates an EventBridge event pattern into Event Grid advanced filters on CloudEvents 1.0 keys
/// (https://learn.microsoft.com/azure/event-grid/event-filtering): <c>source</c> → <c>source</c>, <c>detail-type</c> →
/// <c>type</c>, <c>id</c> → <c>id</c>, <c>detail.field</c> → <c>data.field</c>. Every filter is implied by the pattern,
/// so the subscription never holds back an event the rule matches; it may deliver more, which the rule's function skips:
/// <list type="bullet">
/// <item>exact strings and <c>equals-ignore-case</c> → <c>StringIn</c>, <c>prefix</c> → <c>StringBeginsWith</c>,
/// <c>suffix</c> → <c>StringEndsWith</c> (Event Grid compares strings ignoring case, so these let through more);</item>
/// <item>exact numbers → <c>NumberIn</c> (EventBridge compares them by text, Event Grid by value); <c>numeric</c> with one
/// bound → <c>NumberGreaterThan</c>, <c>…OrEquals</c>, <c>NumberLessThan</c>, <c>…OrEquals</c>; with two, or <c>=</c> →
/// <c>NumberInRange</c> (its bounds are inclusive); <c>true</c>/<c>false</c> → <c>BoolEquals</c>;</item>
/// <item>arrays in the event match by any element, as in EventBridge, with <c>enableAdvancedFilteringOnArrays</c>.</item>
/// </list>
/// Left to Portable, each with its reason: <c>$or</c> (Event Grid ANDs its filters; the fields beside it are still
/// filtered), <c>anything-but</c> (a case-insensitive <c>StringNotIn</c> would hold back <c>"Drone"</c> that
/// <c>anything-but "drone"</c> routes, and <c>NumberNotIn</c> compares by value), <c>exists</c> (EventBridge counts a
/// null as present and an object as absent; Event Grid's <c>IsNotNull</c> / <c>IsNullOrUndefined</c> do not),
/// <c>null</c>, <c>wildcard</c>, <c>cidr</c>, a field's values of different kinds, fields nested deeper than
/// <c>data.field</c> (Event Grid cannot filter inside arrays of objects), names with a dot (keys have no escape),
/// envelope fields CloudEvents lack (<c>account</c>, <c>region</c>, <c>time</c>, <c>resources</c>, <c>version</c>),
/// strings over 512 characters, and whatever would pass the limit of 25 filters and 25 values.
/// </summary>
public static class EventGridFilters
{
    /// <summary>Event Grid's limit of advanced filters per subscription, and of their values in all.</summary>
    public const int MaxFilters = 25;

    /// <summary>Event Grid's limit of values across all of a subscription's advanced filters.</summary>
    public const int MaxValues = 25;

    /// <summary>Event Grid's limit on one string value.</summary>
    public const int MaxStringLength = 512;

    private static readonly Dictionary<string, string> EnvelopeKeys = new(StringComparer.Ordinal)
    {
        ["source"] = "source",
        ["detail-type"] = "type",
        ["id"] = "id",
    };

    /// <summary>The advanced filters <paramref name="pattern"/> implies, and what of it they leave to Portable.</summary>
    public static EventGridFilterTranslation Translate(EventPattern pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var filters = new List<EventGridAdvancedFilter>();
        var unfiltered = new List<string>();
        using var document = JsonDocument.Parse(pattern.Json);
        foreach (var field in document.RootElement.EnumerateObject())
        {
            if (field.Name == "$or")
            {
                unfiltered.Add("$or: Event Grid ANDs all of a subscription's filters, so the alternatives are not filtered.");
            }
            else if (field.Name == "detail" && field.Value.ValueKind == JsonValueKind.Object)
            {
                foreach (var data in field.Value.EnumerateObject())
                {
                    var path = $"detail.{data.Name}";
                    if (data.Name == "$or")
                    {
                        unfiltered.Add($"detail.$or: Event Grid ANDs all of a subscription's filters, so the alternatives are not filtered.");
                    }
                    else if (data.Name.Contains('.', StringComparison.Ordinal))
                    {
                        unfiltered.Add($"{path}: Event Grid keys have no escape for a dot in a field name.");
                    }
                    else if (data.Value.ValueKind != JsonValueKind.Array)
                    {
                        unfiltered.Add($"{path}: fields nested deeper than data.field are not filtered (Event Grid cannot filter inside arrays of objects, which EventBridge matches through).");
                    }
                    else
                    {
                        Add(filters, unfiltered, path, Leaf("data." + data.Name, path, data.Value, unfiltered));
                    }
                }
            }
            else if (EnvelopeKeys.TryGetValue(field.Name, out var key) && field.Value.ValueKind == JsonValueKind.Array)
            {
                Add(filters, unfiltered, field.Name, Leaf(key, field.Name, field.Value, unfiltered));
            }
            else
            {
                unfiltered.Add($"{field.Name}: the CloudEvents Event Grid delivers have no such attribute to filter on.");
            }
        }

        return new EventGridFilterTranslation(filters, unfiltered);
    }

    private static void Add(List<EventGridAdvancedFilter> filters, List<string> unfiltered, string path, EventGridAdvancedFilter? filter)
    {
        if (filter is null)
        {
            return;
        }

        if (filters.Count + 1 > MaxFilters || filters.Sum(f => f.ValueCount) + filter.ValueCount > MaxValues)
        {
            unfiltered.Add($"{path}: over Event Grid's limit of {MaxFilters} advanced filters and {MaxValues} values per subscription.");
            return;
        }

        filters.Add(filter);
    }

    // One field's array of values: one filter when all its values are of one kind Event Grid can test, else none.
    private static EventGridAdvancedFilter? Leaf(string key, string path, JsonElement values, List<string> unfiltered)
    {
        var strings = new JsonArray();
        var prefixes = new JsonArray();
        var suffixes = new JsonArray();
        var numbers = new JsonArray();
        var ranges = new JsonArray();
        var bounds = new List<EventGridAdvancedFilter>();
        var booleans = new List<bool>();
        string? refusal = null;
        foreach (var value in values.EnumerateArray())
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String:
                    strings.Add(value.GetString());
                    break;
                case JsonValueKind.Number:
                    numbers.Add(JsonNode.Parse(value.GetRawText()));
                    break;
                case JsonValueKind.True or JsonValueKind.False:
                    booleans.Add(value.GetBoolean());
                    break;
                case JsonValueKind.Null:
                    refusal ??= "null: Event Grid's IsNullOrUndefined also matches a missing field, and EventBridge's null does not, but not an array holding null.";
                    break;
                default:
                    var (name, operand) = value.EnumerateObject().Select(p => (p.Name, p.Value)).Single();
                    switch (name)
                    {
                        case "equals-ignore-case":
                            strings.Add(operand.GetString());
                            break;
                        case "prefix":
                            prefixes.Add(AffixText(operand));
                            break;
                        case "suffix":
                            suffixes.Add(AffixText(operand));
                            break;
                        case "numeric":
                            if (Numeric(key, operand) is { } numeric)
                            {
                                if (numeric.OperatorType == "NumberInRange")
                                {
                                    ranges.Add(numeric.Values![0]!.DeepClone());
                                }
                                else
                                {
                                    bounds.Add(numeric);
                                }
                            }

                            break;
                        default:
                            refusal ??= name switch
                            {
                                "anything-but" => "anything-but: Event Grid's StringNotIn ignores case (it would hold back \"Drone\", which anything-but \"drone\" routes) and its NumberNotIn compares by value, not by text.",
                                "exists" => "exists: EventBridge counts a null as present and an object as absent, Event Grid's IsNotNull and IsNullOrUndefined do not.",
                                "wildcard" => "wildcard: Event Grid has no wildcard filter.",
                                "cidr" => "cidr: Event Grid has no address-range filter.",
                                _ => $"{name}: Event Grid has no filter that lets through every event it matches.",
                            };
                            break;
                    }

                    break;
            }
        }

        if (refusal is not null)
        {
            unfiltered.Add($"{path}: {refusal}");
            return null;
        }

        var kinds = new[] { strings.Count > 0, prefixes.Count > 0, suffixes.Count > 0, numbers.Count > 0, ranges.Count > 0, bounds.Count > 0, booleans.Count > 0 }.Count(k => k);
        if (kinds == 0)
        {
            unfiltered.Add($"{path}: nothing in it that an Event Grid filter tests.");
            return null;
        }

        if (kinds != 1 || (bounds.Count > 0 && bounds.Count + ranges.Count > 1) || booleans.Distinct().Count() > 1)
        {
            unfiltered.Add($"{path}: its values are of several kinds (or several one-sided ranges), and one Event Grid filter tests one kind.");
            return null;
        }

        foreach (var text in strings.Concat(prefixes).Concat(suffixes))
        {
            if (text!.GetValue<string>().Length > MaxStringLength)
            {
                unfiltered.Add($"{path}: a string over Event Grid's {MaxStringLength}-character limit.");
                return null;
            }
        }

        return strings.Count > 0 ? new EventGridAdvancedFilter("StringIn", key, null, strings)
            : prefixes.Count > 0 ? new EventGridAdvancedFilter("StringBeginsWith", key, null, prefixes)
            : suffixes.Count > 0 ? new EventGridAdvancedFilter("StringEndsWith", key, null, suffixes)
            : numbers.Count > 0 ? new EventGridAdvancedFilter("NumberIn", key, null, numbers)
            : ranges.Count > 0 ? new EventGridAdvancedFilter("NumberInRange", key, null, ranges)
            : bounds.Count > 0 ? bounds[0]
            : new EventGridAdvancedFilter("BoolEquals", key, JsonValue.Create(booleans[0]), null);
    }

    private static string AffixText(JsonElement operand) =>
        operand.ValueKind == JsonValueKind.String ? operand.GetString()! : operand.GetProperty("equals-ignore-case").GetString()!;

    // ["<", 5], [">=", 0, "<", 10], ["=", 3]: one bound is its own operator; two, or "=", a range (inclusive: wider for "<" and ">").
    private static EventGridAdvancedFilter? Numeric(string key, JsonElement operand)
    {
        var parts = operand.EnumerateArray().ToArray();
        if (parts.Length == 2)
        {
            var value = JsonNode.Parse(parts[1].GetRawText());
            return parts[0].GetString() switch
            {
                ">" => new EventGridAdvancedFilter("NumberGreaterThan", key, value, null),
                ">=" => new EventGridAdvancedFilter("NumberGreaterThanOrEquals", key, value, null),
                "<" => new EventGridAdvancedFilter("NumberLessThan", key, value, null),
                "<=" => new EventGridAdvancedFilter("NumberLessThanOrEquals", key, value, null),
                _ => new EventGridAdvancedFilter("NumberInRange", key, null, [new JsonArray(value, value!.DeepClone())]),
            };
        }

        JsonNode? low = null, high = null;
        for (var i = 0; i + 1 < parts.Length; i += 2)
        {
            var bound = JsonNode.Parse(parts[i + 1].GetRawText());
            if (parts[i].GetString()!.StartsWith('>'))
            {
                low = bound;
            }
            else
            {
                high = bound;
            }
        }

        return low is not null && high is not null
            ? new EventGridAdvancedFilter("NumberInRange", key, null, [new JsonArray(low, high)])
            : null;
    }
}
