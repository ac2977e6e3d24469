using System.Text.Json;

namespace Portable.Core.Events.Routing;

/// <summary>
/// A JSON number compared by value, as EventBridge compares them (its matcher puts both the literal and the numeric
/// form of a rule's number in its machine, so <c>300</c>, <c>300.0</c> and <c>3.0e2</c> are equal): exactly, as a
/// decimal, when both sides fit one; otherwise as doubles.
/// </summary>
internal readonly record struct JsonNumber(decimal? Decimal, double Double)
{
    /// <summary>Reads <paramref name="element"/>, a JSON number; false when it is too large for a double.</summary>
    public static bool TryRead(JsonElement element, out JsonNumber number)
    {
        decimal? exact = element.TryGetDecimal(out var value) ? value : null;
        if (element.TryGetDouble(out var approximate) && double.IsFinite(approximate))
        {
            number = new JsonNumber(exact, approximate);
            return true;
        }

        number = default;
        return false;
    }

    /// <summary>Negative, zero or positive as this number is below, equal to or above <paramref name="other"/>.</summary>
    public int CompareTo(JsonNumber other) =>
        Decimal is { } left && other.Decimal is { } right ? left.CompareTo(right) : Double.CompareTo(other.Double);

    /// <summary>The number as an error message shows it.</summary>
    public override string ToString() =>
        Decimal is { } exact ? exact.ToString(System.Globalization.CultureInfo.InvariantCulture) : Double.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
