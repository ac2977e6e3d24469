namespace Portable.Pricing.Model;

/// <summary>The always-on machine a cloud's serverless bill is weighed against, and what it costs a month.</summary>
/// <param name="Cloud">The cloud it runs on.</param>
/// <param name="Label">What it is, for example <c>EC2 t3.medium, 730 h</c>.</param>
/// <param name="MonthlyCost">Its cost for a 730-hour month in USD, from the price data.</param>
/// <param name="PriceKeys">The prices it is computed from.</param>
public sealed record AlwaysOnOption(Cloud Cloud, string Label, decimal MonthlyCost, IReadOnlyList<string> PriceKeys);
