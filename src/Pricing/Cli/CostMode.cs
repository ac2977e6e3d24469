namespace Portable.Pricing.Cli;

/// <summary>What <c>portable cost</c> prints.</summary>
public enum CostMode
{
    /// <summary>Each pattern at the four daily rates, per cloud and plan (no <c>--requests</c> given).</summary>
    Summary,

    /// <summary>One workload's bill, a table of line items per cloud and plan (<c>--requests</c> given).</summary>
    Detail,

    /// <summary>The price data (<c>--prices</c>).</summary>
    Prices,

    /// <summary>The usage text (<c>--help</c>).</summary>
    Help,
}
