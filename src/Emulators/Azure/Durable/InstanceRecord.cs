using Microsoft.DurableTask.Protobuf;

namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// The hub's state of one orchestration instance. Every field is read and written under the hub's lock; episodes run
/// one at a time per instance (<see cref="Pumping"/>).
/// </summary>
internal sealed class InstanceRecord(string instanceId, string executionId, string name, DateTimeOffset createdAt)
{
    public string InstanceId { get; } = instanceId;

    public string ExecutionId { get; set; } = executionId;

    public string Name { get; set; } = name;

    public string? Version { get; set; }

    public string? Input { get; set; }

    public OrchestrationStatus Status { get; set; } = OrchestrationStatus.Pending;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset LastUpdatedAt { get; set; } = createdAt;

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? ScheduledStartAt { get; set; }

    public string? Output { get; set; }

    public string? CustomStatus { get; set; }

    public TaskFailureDetails? Failure { get; set; }

    public ParentInstanceInfo? Parent { get; set; }

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    /// <summary>The current execution's history: what the next episode sends as <c>pastEvents</c>.</summary>
    public List<HistoryEvent> History { get; } = [];

    /// <summary>The history of the executions a <c>ContinueAsNew</c> ended, oldest first.</summary>
    public List<(string ExecutionId, HistoryEvent Event)> EarlierExecutions { get; } = [];

    /// <summary>Events delivered but not yet shown to the orchestrator: the next episode's <c>newEvents</c>.</summary>
    public List<HistoryEvent> Inbox { get; } = [];

    /// <summary>A delayed start holds the inbox until its <c>scheduledStartTimestamp</c> passes.</summary>
    public bool AwaitingStart { get; set; }

    /// <summary>An episode loop is running for this instance.</summary>
    public bool Pumping { get; set; }

    public List<ITimer> Timers { get; } = [];

    public bool IsFinished => DurableInstanceStatus.IsFinal(Status);

    public void CancelTimers()
    {
        foreach (var timer in Timers)
        {
            timer.Dispose();
        }

        Timers.Clear();
    }

    public DurableInstanceStatus Snapshot() => new(
        InstanceId, ExecutionId, Name, Version, Status, Input, Output, CustomStatus, DurableFailureDetails.From(Failure),
        CreatedAt, LastUpdatedAt, CompletedAt, ScheduledStartAt, Parent?.OrchestrationInstance?.InstanceId);
}
