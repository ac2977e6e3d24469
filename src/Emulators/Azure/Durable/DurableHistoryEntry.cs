using System.Globalization;
using System.Text;
using Microsoft.DurableTask.Protobuf;

namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// One event of an instance's history, read: what happened (<see cref="Kind"/>), when on the hub's clock, and the
/// name, payload and reference that event carries. <see cref="Event"/> is the protobuf event itself.
/// </summary>
/// <param name="ExecutionId">The execution the event belongs to (histories span every <c>ContinueAsNew</c>).</param>
/// <param name="EventId">The event id: the action's sequence number for TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated and EventSent, -1 otherwise.</param>
/// <param name="Kind">The event type.</param>
/// <param name="Timestamp">When the hub recorded it.</param>
/// <param name="Name">The orchestration, activity, sub-orchestration or event name the event carries.</param>
/// <param name="ReferenceId">The scheduling event's id a completion refers to (<c>taskScheduledId</c>, <c>timerId</c>).</param>
/// <param name="Input">The input the event carries (JSON): orchestration, activity, sub-orchestration or event data.</param>
/// <param name="Result">The result the event carries (JSON): activity, sub-orchestration or orchestration output.</param>
/// <param name="Failure">The failure a TaskFailed, SubOrchestrationInstanceFailed or failed ExecutionCompleted carries.</param>
/// <param name="FireAt">A timer's deadline.</param>
/// <param name="Event">The protobuf history event, as sent to the worker.</param>
public sealed record DurableHistoryEntry(
    string ExecutionId,
    int EventId,
    HistoryEvent.EventTypeOneofCase Kind,
    DateTimeOffset Timestamp,
    string? Name,
    int? ReferenceId,
    string? Input,
    string? Result,
    DurableFailureDetails? Failure,
    DateTimeOffset? FireAt,
    HistoryEvent Event)
{
    /// <summary>The entry of <paramref name="historyEvent"/> in <paramref name="executionId"/>.</summary>
    public static DurableHistoryEntry From(string executionId, HistoryEvent historyEvent)
    {
        ArgumentNullException.ThrowIfNull(historyEvent);
        var e = historyEvent;
        string? name = null, input = null, result = null;
        int? reference = null;
        TaskFailureDetails? failure = null;
        DateTimeOffset? fireAt = null;
        switch (e.EventTypeCase)
        {
            case HistoryEvent.EventTypeOneofCase.ExecutionStarted:
                (name, input) = (e.ExecutionStarted.Name, e.ExecutionStarted.Input);
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionCompleted:
                (result, failure) = (e.ExecutionCompleted.Result, e.ExecutionCompleted.FailureDetails);
                name = e.ExecutionCompleted.OrchestrationStatus.ToString();
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionTerminated:
                input = e.ExecutionTerminated.Input;
                break;
            case HistoryEvent.EventTypeOneofCase.TaskScheduled:
                (name, input) = (e.TaskScheduled.Name, e.TaskScheduled.Input);
                break;
            case HistoryEvent.EventTypeOneofCase.TaskCompleted:
                (reference, result) = (e.TaskCompleted.TaskScheduledId, e.TaskCompleted.Result);
                break;
            case HistoryEvent.EventTypeOneofCase.TaskFailed:
                (reference, failure) = (e.TaskFailed.TaskScheduledId, e.TaskFailed.FailureDetails);
                break;
            case HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCreated:
                (name, input) = (e.SubOrchestrationInstanceCreated.Name, e.SubOrchestrationInstanceCreated.Input);
                break;
            case HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceCompleted:
                (reference, result) = (e.SubOrchestrationInstanceCompleted.TaskScheduledId, e.SubOrchestrationInstanceCompleted.Result);
                break;
            case HistoryEvent.EventTypeOneofCase.SubOrchestrationInstanceFailed:
                (reference, failure) = (e.SubOrchestrationInstanceFailed.TaskScheduledId, e.SubOrchestrationInstanceFailed.FailureDetails);
                break;
            case HistoryEvent.EventTypeOneofCase.TimerCreated:
                fireAt = e.TimerCreated.FireAt?.ToDateTimeOffset();
                break;
            case HistoryEvent.EventTypeOneofCase.TimerFired:
                (reference, fireAt) = (e.TimerFired.TimerId, e.TimerFired.FireAt?.ToDateTimeOffset());
                break;
            case HistoryEvent.EventTypeOneofCase.EventSent:
                (name, input) = (e.EventSent.Name, e.EventSent.Input);
                break;
            case HistoryEvent.EventTypeOneofCase.EventRaised:
                (name, input) = (e.EventRaised.Name, e.EventRaised.Input);
                break;
            case HistoryEvent.EventTypeOneofCase.ContinueAsNew:
                input = e.ContinueAsNew.Input;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionSuspended:
                input = e.ExecutionSuspended.Input;
                break;
            case HistoryEvent.EventTypeOneofCase.ExecutionResumed:
                input = e.ExecutionResumed.Input;
                break;
            default:
                break;
        }

        return new DurableHistoryEntry(
            executionId, e.EventId, e.EventTypeCase, e.Timestamp?.ToDateTimeOffset() ?? default, name, reference, input, result,
            DurableFailureDetails.From(failure), fireAt, e);
    }

    /// <summary>One readable line, e.g. <c>#0 TaskScheduled Charge "order-1" @10:00:00</c> or <c>TaskFailed →0 InvalidOperationException: declined</c>.</summary>
    public override string ToString()
    {
        var line = new StringBuilder();
        if (EventId >= 0)
        {
            line.Append(CultureInfo.InvariantCulture, $"#{EventId} ");
        }

        line.Append(Kind.ToString());
        if (ReferenceId is { } reference)
        {
            line.Append(CultureInfo.InvariantCulture, $" ->{reference}");
        }

        AppendIfSet(line, Name);
        AppendIfSet(line, Input);
        AppendIfSet(line, Result is null ? null : "=> " + Result);
        AppendIfSet(line, Failure is null ? null : $"{Failure.ErrorType}: {Failure.ErrorMessage}");
        AppendIfSet(line, FireAt is { } at ? "fireAt " + at.ToString("O", CultureInfo.InvariantCulture) : null);
        line.Append(CultureInfo.InvariantCulture, $" @{Timestamp:O}");
        return line.ToString();
    }

    private static void AppendIfSet(StringBuilder line, string? part)
    {
        if (!string.IsNullOrEmpty(part))
        {
            line.Append(' ').Append(part);
        }
    }
}
