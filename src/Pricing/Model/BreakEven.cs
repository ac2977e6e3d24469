namespace Portable.Pricing.Model;

/// <summary>
/// Where a plan's compute and front-door cost reaches the always-on option's: the part of the bill an always-on
/// machine replaces (the queue, orchestrator, state store and logs are paid either way).
/// </summary>
/// <param name="AlwaysOn">The machine compared against.</param>
/// <param name="MonthlyInvocations">The invocations a month at which the costs meet, or <see langword="null"/> when they never do.</param>
/// <param name="Reason">Why there is no crossing, when <paramref name="MonthlyInvocations"/> is <see langword="null"/>.</param>
public sealed record BreakEven(AlwaysOnOption AlwaysOn, decimal? MonthlyInvocations, string Reason)
{
    /// <summary>The crossing as invocations a day, when there is one.</summary>
    public decimal? DailyInvocations => MonthlyInvocations / Workload.DaysPerMonth;
}
