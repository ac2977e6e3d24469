using Portable.Pricing.Prices;

namespace Portable.Pricing.Model;

/// <summary>One line of a bill: what is paid for, how much of it, at which price, and what it costs.</summary>
public sealed record CostLine
{
    /// <summary>What the line pays for.</summary>
    public required CostCategory Category { get; init; }

    /// <summary>The line as printed, for example <c>Lambda duration x86, first 6B GB-s</c>.</summary>
    public required string Item { get; init; }

    /// <summary>The billable quantity, after any free grant.</summary>
    public required decimal Quantity { get; init; }

    /// <summary>The unit of <see cref="Quantity"/>, for example <c>GB-s</c>.</summary>
    public required string QuantityUnit { get; init; }

    /// <summary>The price the line is billed at.</summary>
    public required PriceEntry Price { get; init; }

    /// <summary>The free quantity subtracted before billing (0 when none was).</summary>
    public decimal FreeSubtracted { get; init; }

    /// <summary>The line's cost in USD, unrounded.</summary>
    public required decimal Cost { get; init; }

    /// <summary>An assumption behind the quantity worth printing, or empty.</summary>
    public string Note { get; init; } = "";
}
