namespace Portable.Pricing.Model;

/// <summary>A pattern's monthly bill on one cloud's plan for one workload, line by line.</summary>
public sealed record CostEstimate
{
    /// <summary>The pattern priced.</summary>
    public required PatternProfile Pattern { get; init; }

    /// <summary>The plan the compute is billed on.</summary>
    public required HostingPlan Plan { get; init; }

    /// <summary>The workload priced.</summary>
    public required Workload Workload { get; init; }

    /// <summary>Every line item the pattern uses on that plan.</summary>
    public required IReadOnlyList<CostLine> Lines { get; init; }

    /// <summary>Where the plan meets the cloud's always-on option.</summary>
    public required BreakEven BreakEven { get; init; }

    /// <summary>The cloud of <see cref="Plan"/>.</summary>
    public Cloud Cloud => Plan.Cloud();

    /// <summary>The month's total in USD, unrounded (the sum of the lines).</summary>
    public decimal Total => Lines.Sum(line => line.Cost);

    /// <summary>Whether any line is billed at an unverified price.</summary>
    public bool UsesUnverifiedPrice => Lines.Any(line => line.Price.IsUnverified);
}
