using System.Globalization;
using Portable.Pricing.Prices;

namespace Portable.Pricing.Model;

/// <summary>
/// Builds a bill's lines from quantities and price keys: a free grant comes off the bottom of the usage, volume
/// tiers bill the rest by where it falls in the month's total, and nothing is ever billed below zero.
/// </summary>
internal sealed class LineBuilder(PriceBook prices, bool freeTier)
{
    public const decimal Million = 1_000_000m;
    public const decimal GiB = 1024m * 1024m * 1024m;

    private readonly List<CostLine> lines = [];

    public IReadOnlyList<CostLine> Lines => lines;

    /// <summary>A quantity at one price, less the price's free grant when the free tier is on.</summary>
    public void Metered(CostCategory category, string item, decimal quantity, string unit, string key, string note = "", decimal increment = 0) =>
        Tiered(category, item, quantity, unit, [key], note, increment);

    /// <summary>A fixed quantity at one price: no free grant.</summary>
    public void Fixed(CostCategory category, string item, decimal quantity, string unit, string key, string note = "")
    {
        var price = prices.Get(key);
        lines.Add(new CostLine
        {
            Category = category, Item = item, Quantity = quantity, QuantityUnit = unit, Price = price,
            Cost = quantity * price.UnitPrice, Note = note,
        });
    }

    /// <summary>
    /// A quantity across volume tiers (each tier's <see cref="PriceEntry.UpTo"/> is where it ends in the month's total);
    /// the first tier's free grant covers the bottom of the usage. One line per tier the usage reaches.
    /// </summary>
    public void Tiered(CostCategory category, string item, decimal quantity, string unit, IReadOnlyList<string> keys, string note = "", decimal increment = 0)
    {
        var tiers = keys.Select(prices.Get).ToList();
        var free = freeTier ? tiers[0].FreeQuantity ?? 0 : 0;
        var lower = 0m;
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var upper = tier.UpTo ?? decimal.MaxValue;
            var from = Math.Max(lower, free);
            var billable = Math.Max(0, Math.Min(quantity, upper) - from);
            if (increment > 0)
            {
                billable = Math.Ceiling(billable / increment) * increment;
            }

            if (i == 0 || billable > 0)
            {
                var tierItem = tiers.Count == 1 ? item : $"{item}, {TierLabel(lower, tier.UpTo, unit)}";
                lines.Add(new CostLine
                {
                    Category = category, Item = tierItem, Quantity = billable, QuantityUnit = unit, Price = tier,
                    FreeSubtracted = i == 0 ? Math.Min(quantity, free) : 0, Cost = billable * tier.UnitPrice, Note = note,
                });
            }

            lower = upper;
            if (quantity <= upper)
            {
                break;
            }
        }
    }

    private static string TierLabel(decimal lower, decimal? upper, string unit) =>
        upper is { } end
            ? lower == 0 ? $"first {Short(end)} {unit}" : $"{Short(lower)}-{Short(end)} {unit}"
            : $"over {Short(lower)} {unit}";

    internal static string Short(decimal value) => value switch
    {
        >= 1_000_000_000m => (value / 1_000_000_000m).ToString("0.##", CultureInfo.InvariantCulture) + "B",
        >= 1_000_000m => (value / 1_000_000m).ToString("0.##", CultureInfo.InvariantCulture) + "M",
        >= 1_000m => (value / 1_000m).ToString("0.##", CultureInfo.InvariantCulture) + "K",
        _ => value.ToString("0.##", CultureInfo.InvariantCulture),
    };
}
