namespace Portable.Core.Schedules;

/// <summary>
/// What became of one scheduled run: succeeded, or failed with a reason. A failed run is the adapter's to report as
/// its platform retries one (an error from the Lambda, a 500 to Cloud Scheduler, a failed timer invocation).
/// </summary>
/// <param name="Succeeded">True when the handler finished.</param>
/// <param name="Reason">Why it failed; null on success.</param>
public readonly record struct ScheduleResult(bool Succeeded, string? Reason)
{
    /// <summary>The handler finished.</summary>
    public static ScheduleResult Success { get; } = new(true, null);

    /// <summary>The run failed because of <paramref name="reason"/>.</summary>
    public static ScheduleResult Failed(string reason) => new(false, reason);
}
