using System.Text.Json.Serialization;

namespace Portable.Core.Patterns.Jobs;

/// <summary>
/// One category's total: how many accepted rows name it and the exact sum of their amounts. The sum is a
/// <see cref="decimal"/> added with decimal arithmetic, so it keeps as many decimal places as its most precise amount
/// (10.50 + 2 is written 12.50, never 12.5 or 12.499999).
/// </summary>
/// <param name="Count">The number of accepted rows in the category.</param>
/// <param name="Sum">The sum of their amounts.</param>
public sealed record CategoryTotal(
    [property: JsonPropertyName("count")] int Count,
    [property: JsonPropertyName("sum")] decimal Sum);
