using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.DurableTask.Protobuf;

namespace Portable.Emulators.Azure.Durable;

/// <summary>The episode loop: one orchestrator invocation per batch of new events, and the actions it returns applied.</summary>
public sealed partial class DurableTaskHub
{
    private static readonly IReadOnlyDictionary<string, string> NoMetadata = new Dictionary<string, string>();

    /// <summary>Puts <paramref name="historyEvent"/> in the instance's inbox and makes sure an episode will show it.</summary>
    private void Deliver(InstanceRecord record, HistoryEvent historyEvent)
    {
        record.Inbox.Add(historyEvent);
        EnsurePump(record);
    }

    /// <summary>Delivers to the execution that asked for it; a result for a finished or replaced execution is dropped, as DTFx drops it.</summary>
    private void DeliverTo(string instanceId, string executionId, HistoryEvent historyEvent)
    {
        if (instances.TryGetValue(instanceId, out var record) && record.ExecutionId == executionId && !record.IsFinished)
        {
            Deliver(record, historyEvent);
        }
    }

    private void EnsurePump(InstanceRecord record)
    {
        if (record.Pumping || record.AwaitingStart || record.Inbox.Count == 0)
        {
            return;
        }

        record.Pumping = true;
        busy++;
        _ = Task.Run(() => PumpAsync(record));
    }

    private void Finished()
    {
        busy--;
        if (busy == 0)
        {
            var previous = idle;
            idle = NewSignal();
            previous.SetResult();
        }
    }

    private async Task PumpAsync(InstanceRecord record)
    {
        try
        {
            while (await RunEpisodeAsync(record).ConfigureAwait(false))
            {
            }
        }
#pragma warning disable CA1031 // A fault in the hub itself ends the instance visibly instead of leaving it Running forever.
        catch (Exception e)
#pragma warning restore CA1031
        {
            lock (gate)
            {
                record.Pumping = false;
                if (!record.IsFinished)
                {
                    Fail(record, new TaskFailureDetails { ErrorType = e.GetType().FullName!, ErrorMessage = e.Message, StackTrace = e.StackTrace });
                }
            }
        }
        finally
        {
            lock (gate)
            {
                Finished();
            }
        }
    }

    /// <summary>
    /// Runs one episode if the instance has new events; <see langword="false"/> when there is nothing left to do, in
    /// which case the loop is released under the same lock that found nothing, so no delivery falls in between.
    /// </summary>
    private async Task<bool> RunEpisodeAsync(InstanceRecord record)
    {
        OrchestratorRequest request;
        List<HistoryEvent> newEvents;
        string executionId;
        lock (gate)
        {
            if (record.IsFinished || stopping.IsCancellationRequested)
            {
                record.Inbox.Clear();
                record.Pumping = false;
                return false;
            }

            if (record.AwaitingStart || record.Inbox.Count == 0)
            {
                record.Pumping = false;
                return false;
            }

            if (record.Inbox.Find(e => e.EventTypeCase == HistoryEvent.EventTypeOneofCase.ExecutionTerminated) is { } terminated)
            {
                ApplyTermination(record, terminated);
                record.Pumping = false;
                return false;
            }

            // Every episode: the full history as pastEvents, then OrchestratorStarted (the orchestrator's
            // CurrentUtcDateTime) and what arrived since (digest §5.1).
            newEvents = [NewEvent(e => e.OrchestratorStarted = new OrchestratorStartedEvent()), .. record.Inbox];
            record.Inbox.Clear();
            executionId = record.ExecutionId;
            request = new OrchestratorRequest { InstanceId = record.InstanceId };
            request.PastEvents.Add(record.History);
            request.NewEvents.Add(newEvents);
            request.Properties.Add("IncludeState", Value.ForBool(true));
            request.Properties.Add("IsExtendedSession", Value.ForBool(false));
            if (record.Status == OrchestrationStatus.Pending)
            {
                SetStatus(record, OrchestrationStatus.Running);
            }
        }

        var result = await InvokeOrchestratorAsync(record.Name, request).ConfigureAwait(false);
        lock (gate)
        {
            if (stopping.IsCancellationRequested || record.ExecutionId != executionId || !ReferenceEquals(instances.GetValueOrDefault(record.InstanceId), record))
            {
                record.Pumping = false;
                return false;
            }

            ApplyEpisode(record, newEvents, result);
            return true;
        }
    }

    private async Task<DurableInvocationResult> InvokeOrchestratorAsync(string name, OrchestratorRequest request)
    {
        if (functions(name) != DurableFunctionKind.Orchestrator)
        {
            return DurableInvocationResult.Failure(
                typeof(ArgumentException).FullName!,
                $"The function '{name}' doesn't exist, is disabled, or is not an orchestrator function.");
        }

        try
        {
            return await invoker.InvokeAsync(name, request.ToByteString().ToBase64(), NoMetadata, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return DurableInvocationResult.Failure(typeof(OperationCanceledException).FullName!, "The task hub stopped.");
        }
#pragma warning disable CA1031 // Whatever the invoker throws must end the instance visibly, never leave it hanging.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return DurableInvocationResult.Failure(e.GetType().FullName!, e.Message);
        }
    }

    private void ApplyEpisode(InstanceRecord record, List<HistoryEvent> newEvents, DurableInvocationResult result)
    {
        record.History.AddRange(newEvents);
        if (!result.Succeeded)
        {
            // The worker could not run the episode at all (e.g. "An ExecutionStarted event is required.").
            Fail(record, new TaskFailureDetails { ErrorType = result.ErrorType ?? "(unknown)", ErrorMessage = result.ErrorMessage ?? string.Empty });
            return;
        }

        if (ParseResponse(result.ReturnValue) is not { } response)
        {
            Fail(record, new TaskFailureDetails
            {
                ErrorType = typeof(InvalidOperationException).FullName!,
                ErrorMessage = "The orchestrator function returned no valid base64 OrchestratorResponse.",
            });
            return;
        }

        if (response.RequiresHistory)
        {
            Fail(record, new TaskFailureDetails
            {
                ErrorType = typeof(InvalidOperationException).FullName!,
                ErrorMessage = "The worker asked for the history although the full history was sent.",
            });
            return;
        }

        // 3.18's ProtobufUtils.ToOrchestratorAction throws NotSupportedException on any other action, so nothing of the episode applies.
        if (response.Actions.FirstOrDefault(a => !IsSupported(a.OrchestratorActionTypeCase)) is { } unsupported)
        {
            Fail(record, new TaskFailureDetails
            {
                ErrorType = typeof(NotSupportedException).FullName!,
                ErrorMessage = $"Received unsupported orchestrator action of type '{unsupported.OrchestratorActionTypeCase}'.",
            });
            return;
        }

        record.CustomStatus = response.CustomStatus;
        CompleteOrchestrationAction? completion = null;
        foreach (var action in response.Actions)
        {
            switch (action.OrchestratorActionTypeCase)
            {
                case OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask:
                    ScheduleActivity(record, action.Id, action.ScheduleTask);
                    break;
                case OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer:
                    CreateTimer(record, action.Id, action.CreateTimer.FireAt);
                    break;
                case OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration:
                    StartSubOrchestration(record, action.Id, action.CreateSubOrchestration);
                    break;
                case OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent:
                    SendEvent(record, action.Id, action.SendEvent);
                    break;
                case OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration:
                    completion = action.CompleteOrchestration;
                    record.History.Add(NewEvent(e => e.ExecutionCompleted = new ExecutionCompletedEvent
                    {
                        OrchestrationStatus = completion.OrchestrationStatus,
                        Result = completion.Result,
                        FailureDetails = completion.FailureDetails?.Clone(),
                    }, action.Id));
                    break;
                default:
                    break;
            }
        }

        record.History.Add(NewEvent(e => e.OrchestratorCompleted = new OrchestratorCompletedEvent()));
        record.LastUpdatedAt = Now;
        if (completion is not null)
        {
            Complete(record, completion);
        }

        SignalChanged();
    }

    private static bool IsSupported(OrchestratorAction.OrchestratorActionTypeOneofCase kind) => kind
        is OrchestratorAction.OrchestratorActionTypeOneofCase.ScheduleTask
        or OrchestratorAction.OrchestratorActionTypeOneofCase.CreateTimer
        or OrchestratorAction.OrchestratorActionTypeOneofCase.CreateSubOrchestration
        or OrchestratorAction.OrchestratorActionTypeOneofCase.SendEvent
        or OrchestratorAction.OrchestratorActionTypeOneofCase.CompleteOrchestration;

    private static OrchestratorResponse? ParseResponse(string? encoded)
    {
        if (string.IsNullOrEmpty(encoded))
        {
            return null;
        }

        try
        {
            return OrchestratorResponse.Parser.ParseFrom(ByteString.FromBase64(encoded));
        }
        catch (FormatException)
        {
            return null;
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    private void ScheduleActivity(InstanceRecord record, int id, ScheduleTaskAction task)
    {
        record.History.Add(NewEvent(
            e =>
            {
                e.TaskScheduled = new TaskScheduledEvent { Name = task.Name, Version = task.Version, Input = task.Input };
                e.TaskScheduled.Tags.Add(task.Tags);
            },
            id));
        var (instanceId, executionId) = (record.InstanceId, record.ExecutionId);
        busy++;
        _ = Task.Run(async () =>
        {
            try
            {
                var outcome = await RunActivityAsync(instanceId, id, task.Name, task.Input).ConfigureAwait(false);
                lock (gate)
                {
                    if (outcome is not null)
                    {
                        DeliverTo(instanceId, executionId, outcome);
                    }
                }
            }
            finally
            {
                lock (gate)
                {
                    Finished();
                }
            }
        });
    }

    /// <summary>Runs one activity; its TaskCompleted or TaskFailed event, or <see langword="null"/> when the hub stopped.</summary>
    private async Task<HistoryEvent?> RunActivityAsync(string instanceId, int scheduledId, string name, string? input)
    {
        DurableInvocationResult result;
        if (functions(name) != DurableFunctionKind.Activity)
        {
            result = DurableInvocationResult.Failure(
                typeof(ArgumentException).FullName!,
                $"The function '{name}' doesn't exist, is disabled, or is not an activity function.");
        }
        else
        {
            try
            {
                var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["instanceId"] = instanceId };
                DurableActivityHold? hold;
                lock (gate)
                {
                    hold = holds.Find(h => string.Equals(h.ActivityName, name, StringComparison.OrdinalIgnoreCase));
                }

                if (hold is not null)
                {
                    await hold.WaitAsync(stopping.Token).ConfigureAwait(false);
                }

                result = await invoker.InvokeAsync(name, UnwrapActivityInput(input), metadata, stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return null;
            }
#pragma warning disable CA1031 // Whatever the invoker throws becomes the task's failure, so the orchestrator sees it.
            catch (Exception e)
#pragma warning restore CA1031
            {
                result = DurableInvocationResult.Failure(e.GetType().FullName!, e.Message);
            }
        }

        lock (gate)
        {
            return result.Succeeded
                ? NewEvent(e => e.TaskCompleted = new TaskCompletedEvent { TaskScheduledId = scheduledId, Result = result.ReturnValue })
                : NewEvent(e => e.TaskFailed = new TaskFailedEvent { TaskScheduledId = scheduledId, FailureDetails = ActivityFailure(result) });
        }
    }

    /// <summary>
    /// The activity's argument: ScheduleTask carries the input as a one-element JSON array (DTFx's
    /// <c>params object[]</c>), and the host hands the isolated worker element 0 (digest §5.2).
    /// </summary>
    internal static string UnwrapActivityInput(string? input)
    {
        if (string.IsNullOrEmpty(input))
        {
            return "null";
        }

        try
        {
            using var document = JsonDocument.Parse(input);
            var root = document.RootElement;
            return root.ValueKind != JsonValueKind.Array ? input
                : root.GetArrayLength() == 0 ? "null"
                : root[0].GetRawText();
        }
        catch (JsonException)
        {
            return input;
        }
    }

    /// <summary>
    /// The TaskFailed details of a failed activity: the 1.21 worker's exception message is the failure details as a
    /// JSON object (<c>DurableSerializationException</c>); anything else is taken as the exception's type and message.
    /// </summary>
    internal static TaskFailureDetails ActivityFailure(DurableInvocationResult result)
    {
        var message = result.ErrorMessage ?? string.Empty;
        if (message.TrimStart().StartsWith('{'))
        {
            try
            {
                using var document = JsonDocument.Parse(message);
                if (ReadFailure(document.RootElement) is { } details)
                {
                    return details;
                }
            }
            catch (JsonException)
            {
                // Not the JSON form after all: the message as it is.
            }
        }

        return new TaskFailureDetails { ErrorType = result.ErrorType ?? "(unknown)", ErrorMessage = message };
    }

    private static TaskFailureDetails? ReadFailure(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? type = null, message = null, stack = null;
        TaskFailureDetails? inner = null;
        var nonRetriable = false;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToUpperInvariant())
            {
                case "ERRORTYPE" when value.ValueKind == JsonValueKind.String:
                    type = value.GetString();
                    break;
                case "ERRORMESSAGE" when value.ValueKind == JsonValueKind.String:
                    message = value.GetString();
                    break;
                case "STACKTRACE" when value.ValueKind == JsonValueKind.String:
                    stack = value.GetString();
                    break;
                case "INNERFAILURE":
                    inner = ReadFailure(value);
                    break;
                case "ISNONRETRIABLE" when value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    nonRetriable = value.GetBoolean();
                    break;
                default:
                    break;
            }
        }

        if (type is null && message is null)
        {
            return null;
        }

        var details = new TaskFailureDetails { ErrorType = type ?? "(unknown)", ErrorMessage = message ?? string.Empty, IsNonRetriable = nonRetriable };
        if (stack is not null)
        {
            details.StackTrace = stack;
        }

        if (inner is not null)
        {
            details.InnerFailure = inner;
        }

        return details;
    }

    /// <summary>TimerCreated now; TimerFired when the hub's clock passes <paramref name="fireAt"/> (at once if it already has).</summary>
    private void CreateTimer(InstanceRecord record, int id, Timestamp fireAt)
    {
        record.History.Add(NewEvent(e => e.TimerCreated = new TimerCreatedEvent { FireAt = fireAt.Clone() }, id));
        var (instanceId, executionId) = (record.InstanceId, record.ExecutionId);
        var due = fireAt.ToDateTimeOffset() - Now;
        if (due <= TimeSpan.Zero)
        {
            record.Inbox.Add(NewEvent(e => e.TimerFired = new TimerFiredEvent { FireAt = fireAt.Clone(), TimerId = id }));
            return;
        }

        ITimer? timer = null;
        timer = time.CreateTimer(
            _ =>
            {
                lock (gate)
                {
                    record.Timers.Remove(timer!);
                    timer?.Dispose();
                    DeliverTo(instanceId, executionId, NewEvent(e => e.TimerFired = new TimerFiredEvent { FireAt = fireAt.Clone(), TimerId = id }));
                }
            },
            null,
            due,
            Timeout.InfiniteTimeSpan);
        record.Timers.Add(timer);
    }

    private void StartSubOrchestration(InstanceRecord record, int id, CreateSubOrchestrationAction child)
    {
        var childId = string.IsNullOrEmpty(child.InstanceId) ? Guid.NewGuid().ToString("N") : child.InstanceId;
        record.History.Add(NewEvent(
            e =>
            {
                e.SubOrchestrationInstanceCreated = new SubOrchestrationInstanceCreatedEvent
                {
                    InstanceId = childId, Name = child.Name, Version = child.Version, Input = child.Input,
                };
                e.SubOrchestrationInstanceCreated.Tags.Add(child.Tags);
            },
            id));
        var parent = new ParentInstanceInfo
        {
            TaskScheduledId = id,
            Name = record.Name,
            Version = record.Version,
            OrchestrationInstance = new OrchestrationInstance { InstanceId = record.InstanceId, ExecutionId = record.ExecutionId },
        };

        // The sub-orchestration's input travels unwrapped (digest §5.1).
        var outcome = StartLocked(child.Name, child.Input, childId, string.IsNullOrEmpty(child.Version) ? null : child.Version, null, child.Tags, parent);
        if (outcome != DurableRequestOutcome.Accepted)
        {
            record.Inbox.Add(NewEvent(e => e.SubOrchestrationInstanceFailed = new SubOrchestrationInstanceFailedEvent
            {
                TaskScheduledId = id,
                FailureDetails = new TaskFailureDetails
                {
                    ErrorType = typeof(InvalidOperationException).FullName!,
                    ErrorMessage = $"An Orchestration instance with the ID {childId} already exists.",
                },
            }));
        }
    }

    private void SendEvent(InstanceRecord record, int id, SendEventAction send)
    {
        var targetId = send.Instance?.InstanceId ?? string.Empty;
        record.History.Add(NewEvent(e => e.EventSent = new EventSentEvent { InstanceId = targetId, Name = send.Name, Input = send.Data }, id));

        // An event for an instance that does not exist or has finished is dropped, as DTFx drops it.
        if (instances.TryGetValue(targetId, out var target) && !target.IsFinished)
        {
            Deliver(target, NewEvent(e => e.EventRaised = new EventRaisedEvent { Name = send.Name, Input = send.Data }));
        }
    }

    private void Complete(InstanceRecord record, CompleteOrchestrationAction completion)
    {
        switch (completion.OrchestrationStatus)
        {
            case OrchestrationStatus.Completed:
                Finish(record, OrchestrationStatus.Completed, completion.Result, failure: null);
                break;
            case OrchestrationStatus.Failed:
                Finish(record, OrchestrationStatus.Failed, completion.Result, completion.FailureDetails?.Clone()
                    ?? new TaskFailureDetails { ErrorType = "(unknown)", ErrorMessage = completion.Result ?? string.Empty });
                break;
            case OrchestrationStatus.ContinuedAsNew:
                ContinueAsNew(record, completion);
                break;
            default:
                Fail(record, new TaskFailureDetails
                {
                    ErrorType = typeof(NotSupportedException).FullName!,
                    ErrorMessage = $"The orchestrator completed with status {completion.OrchestrationStatus}, which the host does not accept.",
                });
                break;
        }
    }

    /// <summary>
    /// A new execution of the same instance: the old history is kept for reading but no longer replayed, the new one
    /// starts with the new input, then the carried-over events, then whatever arrived during the episode.
    /// </summary>
    private void ContinueAsNew(InstanceRecord record, CompleteOrchestrationAction completion)
    {
        record.CancelTimers();
        record.EarlierExecutions.AddRange(record.History.Select(e => (record.ExecutionId, e)));
        record.History.Clear();
        record.ExecutionId = Guid.NewGuid().ToString();
        record.Input = completion.Result;
        if (!string.IsNullOrEmpty(completion.NewVersion))
        {
            record.Version = completion.NewVersion;
        }

        var pending = record.Inbox.ToList();
        record.Inbox.Clear();
        record.Inbox.Add(ExecutionStarted(record));
        record.Inbox.AddRange(completion.CarryoverEvents.Select(e => e.Clone()));
        record.Inbox.AddRange(pending);
        record.Status = OrchestrationStatus.Running;
        record.LastUpdatedAt = Now;
    }

    private void Fail(InstanceRecord record, TaskFailureDetails failure)
    {
        record.History.Add(NewEvent(e => e.ExecutionCompleted = new ExecutionCompletedEvent
        {
            OrchestrationStatus = OrchestrationStatus.Failed,
            FailureDetails = failure.Clone(),
        }));
        Finish(record, OrchestrationStatus.Failed, output: null, failure);
    }

    private void ApplyTermination(InstanceRecord record, HistoryEvent terminated)
    {
        record.Inbox.Clear();
        record.AwaitingStart = false;
        record.History.Add(terminated);
        record.History.Add(NewEvent(e => e.ExecutionCompleted = new ExecutionCompletedEvent
        {
            OrchestrationStatus = OrchestrationStatus.Terminated,
            Result = terminated.ExecutionTerminated.Input,
        }));
        Finish(record, OrchestrationStatus.Terminated, terminated.ExecutionTerminated.Input, failure: null);
        if (terminated.ExecutionTerminated.Recurse)
        {
            var children = instances.Values
                .Where(r => !r.IsFinished && r.Parent?.OrchestrationInstance?.InstanceId == record.InstanceId)
                .ToList();
            foreach (var child in children)
            {
                TerminateLocked(child.InstanceId, terminated.ExecutionTerminated.Input, recursive: true);
            }
        }
    }

    private void Finish(InstanceRecord record, OrchestrationStatus status, string? output, TaskFailureDetails? failure)
    {
        record.CancelTimers();
        record.Output = output;
        record.Failure = failure;
        record.CompletedAt = Now;
        SetStatus(record, status);
        NotifyParent(record);
    }

    /// <summary>A finished sub-orchestration completes (or fails) the parent's task that started it.</summary>
    private void NotifyParent(InstanceRecord child)
    {
        if (child.Parent?.OrchestrationInstance is not { } parent)
        {
            return;
        }

        var scheduledId = child.Parent.TaskScheduledId;
        var done = child.Status switch
        {
            OrchestrationStatus.Completed => NewEvent(e => e.SubOrchestrationInstanceCompleted = new SubOrchestrationInstanceCompletedEvent
            {
                TaskScheduledId = scheduledId,
                Result = child.Output,
            }),

            // A terminated child fails the parent's task too, so the parent never waits forever on it.
            _ => NewEvent(e => e.SubOrchestrationInstanceFailed = new SubOrchestrationInstanceFailedEvent
            {
                TaskScheduledId = scheduledId,
                FailureDetails = child.Failure?.Clone() ?? new TaskFailureDetails
                {
                    ErrorType = "TaskTerminated",
                    ErrorMessage = $"The sub-orchestration '{child.InstanceId}' was terminated: {child.Output}",
                },
            }),
        };
        DeliverTo(parent.InstanceId, parent.ExecutionId, done);
    }
}
