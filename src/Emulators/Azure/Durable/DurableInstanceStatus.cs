using Microsoft.DurableTask.Protobuf;

namespace Portable.Emulators.Azure.Durable;

/// <summary>A snapshot of one orchestration instance, as <c>GetInstance</c> reports it.</summary>
/// <param name="InstanceId">The instance id.</param>
/// <param name="ExecutionId">The current execution (a new one after each <c>ContinueAsNew</c>).</param>
/// <param name="Name">The orchestrator function's name.</param>
/// <param name="Version">The orchestration version, when one was given.</param>
/// <param name="RuntimeStatus">Pending until its first episode, then Running, Suspended or a final status.</param>
/// <param name="Input">The current execution's input (JSON).</param>
/// <param name="Output">The output (JSON) once completed, or the terminate reason.</param>
/// <param name="CustomStatus">The last custom status the orchestrator set (JSON).</param>
/// <param name="Failure">Why it failed, when <see cref="RuntimeStatus"/> is Failed.</param>
/// <param name="CreatedAt">When it was started (the hub's clock).</param>
/// <param name="LastUpdatedAt">When its state last changed.</param>
/// <param name="CompletedAt">When it reached a final status.</param>
/// <param name="ScheduledStartAt">The start time a delayed start asked for.</param>
/// <param name="ParentInstanceId">The parent's instance id, for a sub-orchestration.</param>
public sealed record DurableInstanceStatus(
    string InstanceId,
    string ExecutionId,
    string Name,
    string? Version,
    OrchestrationStatus RuntimeStatus,
    string? Input,
    string? Output,
    string? CustomStatus,
    DurableFailureDetails? Failure,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUpdatedAt,
    DateTimeOffset? CompletedAt,
    DateTimeOffset? ScheduledStartAt,
    string? ParentInstanceId)
{
    /// <summary>Whether the instance has finished: Completed, Failed, Terminated or Canceled.</summary>
    public bool IsFinished => IsFinal(RuntimeStatus);

    /// <summary>Whether <paramref name="status"/> is one an instance never leaves on its own.</summary>
    public static bool IsFinal(OrchestrationStatus status) =>
        status is OrchestrationStatus.Completed or OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled;
}
