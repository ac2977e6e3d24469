using Portable.Core.Functions;

namespace Portable.Core.Schedules;

/// <summary>A schedule the named cloud's scheduler cannot express; the message names the cloud and says why.</summary>
public sealed class UnsupportedScheduleException : Exception
{
    /// <summary>Refuses <paramref name="expression"/> for <paramref name="cloud"/> because of <paramref name="reason"/>.</summary>
    public UnsupportedScheduleException(CloudProvider cloud, string expression, string reason)
        : base($"{SchedulerOf(cloud)} cannot express the schedule '{expression}': {reason}")
    {
        Cloud = cloud;
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the cloud.</summary>
    public UnsupportedScheduleException()
        : base("The schedule cannot be expressed on this cloud.")
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the cloud.</summary>
    public UnsupportedScheduleException(string message)
        : base(message)
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the cloud.</summary>
    public UnsupportedScheduleException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The cloud that cannot express the schedule, when the thrower said.</summary>
    public CloudProvider? Cloud { get; }

    private static string SchedulerOf(CloudProvider cloud) => cloud switch
    {
        CloudProvider.Aws => "AWS (EventBridge Scheduler cron)",
        CloudProvider.Azure => "Azure Functions (timer trigger NCRONTAB)",
        CloudProvider.Gcp => "Google Cloud Scheduler (unix-cron)",
        _ => "The local host",
    };
}
