namespace Portable.Core.Schedules;

/// <summary>
/// One tick of a schedule, the same on every cloud: an EventBridge scheduled event or Scheduler invocation, an Azure
/// timer, a Cloud Scheduler call, a tick of the local host's own scheduler.
/// </summary>
public sealed record ScheduledInvocation
{
    /// <summary>The occurrence this run is for (the event's <c>time</c>, the timer's schedule, the job's schedule time).</summary>
    public required DateTimeOffset ScheduledTime { get; init; }

    /// <summary>When the host actually started the run.</summary>
    public required DateTimeOffset FiredAt { get; init; }

    /// <summary>Earlier occurrences this run stands for, passed over while the host was down (0 normally).</summary>
    public int MissedTicks { get; init; }

    /// <summary>True when the run starts late: ticks were missed, or the platform says so (Azure's <c>IsPastDue</c>).</summary>
    public bool IsPastDue { get; init; }
}
