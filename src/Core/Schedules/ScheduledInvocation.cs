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

    /// <summary>
    /// How late a run may start before it counts as past due: one minute, the precision EventBridge Scheduler promises
    /// (https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html).
    /// </summary>
    public static readonly TimeSpan LateAfter = TimeSpan.FromMinutes(1);

    /// <summary>
    /// One run for the occurrence <paramref name="scheduledTime"/> that a platform fired at <paramref name="firedAt"/>:
    /// past due when it starts <see cref="LateAfter"/> or more after it, or when the platform says so.
    /// </summary>
    public static ScheduledInvocation Fired(DateTimeOffset scheduledTime, DateTimeOffset firedAt, bool platformSaysPastDue = false) => new()
    {
        ScheduledTime = scheduledTime,
        FiredAt = firedAt,
        IsPastDue = platformSaysPastDue || firedAt - scheduledTime >= LateAfter,
    };
}
