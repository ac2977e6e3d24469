using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// A pattern object: every field must match (AND), and every <c>$or</c> group must have one alternative that matches
/// the same event object. Against an array of objects it matches when one element matches it whole, so fields from
/// different elements never combine — EventBridge's array-consistent matching.
/// </summary>
internal sealed class ObjectPattern(KeyValuePair<string, FieldPattern>[] fields, ObjectPattern[][] orGroups) : FieldPattern
{
    /// <inheritdoc />
    public override bool Matches(JsonElement? value)
    {
        if (value is not { } present)
        {
            return MatchesObject(null);
        }

        switch (present.ValueKind)
        {
            case JsonValueKind.Object:
                return MatchesObject(present);
            case JsonValueKind.Array:
                var sawObject = false;
                var matched = AnyObjectElement(present, ref sawObject);
                // An array holding no objects has none of the nested fields: the pattern sees them all missing.
                return matched || (!sawObject && MatchesObject(null));
            default:
                // A scalar has no nested fields either.
                return MatchesObject(null);
        }
    }

    /// <summary>Matches the fields and <c>$or</c> groups against one event object, or against nothing when <paramref name="value"/> is null.</summary>
    public bool MatchesObject(JsonElement? value)
    {
        foreach (var (name, field) in fields)
        {
            JsonElement? child = value is { } obj && obj.TryGetProperty(name, out var found) ? found : null;
            if (!field.Matches(child))
            {
                return false;
            }
        }

        foreach (var alternatives in orGroups)
        {
            if (!AnyAlternative(alternatives, value))
            {
                return false;
            }
        }

        return true;
    }

    private static bool AnyAlternative(ObjectPattern[] alternatives, JsonElement? value)
    {
        foreach (var alternative in alternatives)
        {
            if (alternative.MatchesObject(value))
            {
                return true;
            }
        }

        return false;
    }

    private bool AnyObjectElement(JsonElement array, ref bool sawObject)
    {
        foreach (var element in array.EnumerateArray())
        {
            if (element.ValueKind == JsonValueKind.Array)
            {
                if (AnyObjectElement(element, ref sawObject))
                {
                    return true;
                }
            }
            else if (element.ValueKind == JsonValueKind.Object)
            {
                sawObject = true;
                if (MatchesObject(element))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
