using System.Globalization;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Microsoft.DurableTask.Protobuf;

namespace Portable.Emulators.Azure.Durable;

/// <summary>
/// The Durable task hub the Functions host emulator also acts as (digest §5): it keeps each orchestration instance's
/// history, runs every episode by invoking the orchestrator with the full history and the new events, turns the
/// actions it returns into activity invocations, timers on the injected clock, sub-orchestrations and events, and
/// records how the instance ends. <see cref="DurableTaskHubGrpcService"/> serves it to <c>[DurableClient]</c>
/// bindings; tests read histories and statuses here, and fast-forward timers by advancing the clock.
/// </summary>
/// <remarks>
/// Episodes of one instance run one at a time; different instances, and activities, run concurrently. State lives in
/// memory and ends with the hub.
/// </remarks>
public sealed partial class DurableTaskHub : IAsyncDisposable
{
    private readonly IDurableFunctionInvoker invoker;
    private readonly Func<string, DurableFunctionKind> functions;
    private readonly TimeProvider time;
    private readonly Lock gate = new();
    private readonly Dictionary<string, InstanceRecord> instances = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource stopping = new();
    private readonly List<DurableActivityHold> holds = [];
    private TaskCompletionSource changed = NewSignal();
    private TaskCompletionSource idle = NewSignal();
    private int busy;
    private int disposed;

    /// <summary>
    /// A hub invoking functions through <paramref name="invoker"/>; <paramref name="functions"/> says which function
    /// names are orchestrators and which activities (it is asked at each use, so the FunctionRpc emulator can answer
    /// from the functions it has loaded).
    /// </summary>
    public DurableTaskHub(IDurableFunctionInvoker invoker, Func<string, DurableFunctionKind> functions, DurableTaskHubOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(functions);
        this.invoker = invoker;
        this.functions = functions;
        Options = options ?? new DurableTaskHubOptions();
        time = Options.TimeProvider;
    }

    /// <summary>The hub's settings.</summary>
    public DurableTaskHubOptions Options { get; }

    /// <summary>A lookup from explicit lists of orchestrator and activity names.</summary>
    public static Func<string, DurableFunctionKind> Catalog(IEnumerable<string> orchestrators, IEnumerable<string> activities)
    {
        var kinds = new Dictionary<string, DurableFunctionKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in activities)
        {
            kinds[name] = DurableFunctionKind.Activity;
        }

        foreach (var name in orchestrators)
        {
            kinds[name] = DurableFunctionKind.Orchestrator;
        }

        return name => kinds.GetValueOrDefault(name, DurableFunctionKind.None);
    }

    /// <summary>
    /// Starts orchestrator <paramref name="name"/> with <paramref name="input"/> (JSON) and returns the instance id
    /// (<paramref name="instanceId"/>, or a new 32-hex id as the real server makes). A <paramref name="scheduledStart"/>
    /// in the future keeps it Pending until the clock passes it.
    /// </summary>
    /// <exception cref="InvalidOperationException">An instance with that id exists and has not finished.</exception>
    public string StartInstance(string name, string? input = null, string? instanceId = null, DateTimeOffset? scheduledStart = null)
    {
        var outcome = TryStartInstance(name, input, instanceId, version: null, scheduledStart, tags: null, parent: null, out var id);
        return outcome == DurableRequestOutcome.Accepted
            ? id
            : throw new InvalidOperationException($"An Orchestration instance with the ID {id} already exists.");
    }

    /// <summary>Raises event <paramref name="eventName"/> with <paramref name="input"/> (JSON) on an instance; an instance not yet waiting for it gets it buffered in its history.</summary>
    public DurableRequestOutcome RaiseEvent(string instanceId, string eventName, string? input = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        lock (gate)
        {
            if (!instances.TryGetValue(instanceId, out var record))
            {
                return DurableRequestOutcome.NotFound;
            }

            if (record.IsFinished)
            {
                return DurableRequestOutcome.NotRunning;
            }

            Deliver(record, NewEvent(e => e.EventRaised = new EventRaisedEvent { Name = eventName, Input = input }));
            return DurableRequestOutcome.Accepted;
        }
    }

    /// <summary>
    /// Terminates an unfinished instance with <paramref name="output"/> as its output; <paramref name="recursive"/>
    /// terminates its unfinished sub-orchestrations too. It takes effect between episodes, never inside one.
    /// </summary>
    public DurableRequestOutcome Terminate(string instanceId, string? output = null, bool recursive = false)
    {
        lock (gate)
        {
            return TerminateLocked(instanceId, output, recursive);
        }
    }

    /// <summary>Suspends a running instance: its orchestrator sees <c>ExecutionSuspended</c> and holds new events until resumed.</summary>
    public DurableRequestOutcome Suspend(string instanceId, string? reason = null)
    {
        lock (gate)
        {
            if (!instances.TryGetValue(instanceId, out var record))
            {
                return DurableRequestOutcome.NotFound;
            }

            if (record.Status is not (OrchestrationStatus.Running or OrchestrationStatus.Pending))
            {
                return DurableRequestOutcome.NotRunning;
            }

            SetStatus(record, OrchestrationStatus.Suspended);
            Deliver(record, NewEvent(e => e.ExecutionSuspended = new ExecutionSuspendedEvent { Input = reason }));
            return DurableRequestOutcome.Accepted;
        }
    }

    /// <summary>Resumes a suspended instance.</summary>
    public DurableRequestOutcome Resume(string instanceId, string? reason = null)
    {
        lock (gate)
        {
            if (!instances.TryGetValue(instanceId, out var record))
            {
                return DurableRequestOutcome.NotFound;
            }

            if (record.Status != OrchestrationStatus.Suspended)
            {
                return DurableRequestOutcome.NotRunning;
            }

            SetStatus(record, OrchestrationStatus.Running);
            Deliver(record, NewEvent(e => e.ExecutionResumed = new ExecutionResumedEvent { Input = reason }));
            return DurableRequestOutcome.Accepted;
        }
    }

    /// <summary>
    /// Deletes a finished instance and its history (and, with <paramref name="recursive"/>, its finished
    /// sub-orchestrations); returns how many instances were deleted. Unfinished instances are kept, as the Azure
    /// Storage provider keeps them.
    /// </summary>
    public int Purge(string instanceId, bool recursive = false)
    {
        lock (gate)
        {
            return PurgeLocked(instanceId, recursive);
        }
    }

    /// <summary>Deletes the finished instances <paramref name="filter"/> selects; returns how many.</summary>
    public int Purge(Func<DurableInstanceStatus, bool> filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        lock (gate)
        {
            var doomed = instances.Values.Where(r => r.IsFinished && filter(r.Snapshot())).Select(r => r.InstanceId).ToList();
            foreach (var id in doomed)
            {
                instances.Remove(id);
            }

            return doomed.Count;
        }
    }

    /// <summary>
    /// Holds every invocation of activity <paramref name="activityName"/> before it reaches the worker until the
    /// returned hold is released: a slow activity, so that a test can show an orchestration's durable timer winning
    /// the race against it. The hub is not idle while an invocation waits.
    /// </summary>
    public DurableActivityHold HoldActivity(string activityName)
    {
        ArgumentException.ThrowIfNullOrEmpty(activityName);
        var hold = new DurableActivityHold(activityName, released =>
        {
            lock (gate)
            {
                holds.Remove(released);
            }
        });
        lock (gate)
        {
            holds.Add(hold);
        }

        return hold;
    }

    /// <summary>The instance's status now, or <see langword="null"/> when there is no such instance.</summary>
    public DurableInstanceStatus? GetStatus(string instanceId)
    {
        lock (gate)
        {
            return instances.TryGetValue(instanceId, out var record) ? record.Snapshot() : null;
        }
    }

    /// <summary>Every instance's status, oldest first.</summary>
    public IReadOnlyList<DurableInstanceStatus> GetInstances()
    {
        lock (gate)
        {
            return [.. instances.Values.OrderBy(r => r.CreatedAt).ThenBy(r => r.InstanceId, StringComparer.Ordinal).Select(r => r.Snapshot())];
        }
    }

    /// <summary>
    /// The instance's whole history in order, across every execution <c>ContinueAsNew</c> started, including the
    /// events delivered but not yet shown to the orchestrator (last); empty for an unknown instance.
    /// </summary>
    public IReadOnlyList<DurableHistoryEntry> GetHistory(string instanceId)
    {
        lock (gate)
        {
            if (!instances.TryGetValue(instanceId, out var record))
            {
                return [];
            }

            return
            [
                .. record.EarlierExecutions.Select(e => DurableHistoryEntry.From(e.ExecutionId, e.Event.Clone())),
                .. record.History.Select(e => DurableHistoryEntry.From(record.ExecutionId, e.Clone())),
            ];
        }
    }

    /// <summary>The history as text, one event a line, for a test's output or an assertion message.</summary>
    public string DescribeHistory(string instanceId)
    {
        var text = new StringBuilder();
        foreach (var entry in GetHistory(instanceId))
        {
            text.AppendLine(entry.ToString());
        }

        return text.ToString();
    }

    /// <summary>Waits until the instance exists and <paramref name="condition"/> holds for its status.</summary>
    public async Task<DurableInstanceStatus> WaitForStatusAsync(string instanceId, Func<DurableInstanceStatus, bool> condition, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        while (true)
        {
            Task next;
            lock (gate)
            {
                if (instances.TryGetValue(instanceId, out var record) && record.Snapshot() is var status && condition(status))
                {
                    return status;
                }

                next = changed.Task;
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the instance reaches <paramref name="status"/>.</summary>
    public Task<DurableInstanceStatus> WaitForStatusAsync(string instanceId, OrchestrationStatus status, CancellationToken cancellationToken = default) =>
        WaitForStatusAsync(instanceId, s => s.RuntimeStatus == status, cancellationToken);

    /// <summary>Waits until the instance has finished (Completed, Failed, Terminated or Canceled).</summary>
    public Task<DurableInstanceStatus> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken = default) =>
        WaitForStatusAsync(instanceId, s => s.IsFinished, cancellationToken);

    /// <summary>
    /// Waits until nothing is in flight anywhere in the hub: no episode, no activity, no event not yet shown to its
    /// orchestrator. What is left then waits for the clock (a timer, a delayed start) or for a client (an event).
    /// </summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken = default)
    {
        lock (gate)
        {
            return busy == 0 ? Task.CompletedTask : idle.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// The <c>durableClient</c> input binding value the host hands the worker (digest §5.5): JSON naming the hub and
    /// the gRPC address <paramref name="rpcBaseUrl"/> where <see cref="DurableTaskHubGrpcService"/> serves it.
    /// <paramref name="httpBaseUrl"/> is the host's webhook base, when it has one.
    /// </summary>
    public string DurableClientBindingJson(Uri rpcBaseUrl, Uri? httpBaseUrl = null)
    {
        ArgumentNullException.ThrowIfNull(rpcBaseUrl);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("taskHubName", Options.TaskHubName);
            json.WriteString("connectionName", Options.ConnectionName);
            json.WriteString("rpcBaseUrl", rpcBaseUrl.AbsoluteUri);
            json.WriteString("requiredQueryStringParameters", string.Empty);
            json.WriteString("httpBaseUrl", (httpBaseUrl ?? new Uri(rpcBaseUrl, "runtime/webhooks/durabletask")).AbsoluteUri);
            json.WriteNumber("maxGrpcMessageSizeInBytes", Options.MaxGrpcMessageSizeInBytes);

            // A JSON-encoded TimeSpan inside a string, as the 3.x extension writes it (digest §5.5).
            json.WriteString("grpcHttpClientTimeout", "\"" + Options.GrpcHttpClientTimeout.ToString("c", CultureInfo.InvariantCulture) + "\"");
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Stops the hub: timers are cancelled and invocations in flight are asked to stop. Later calls do nothing.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        Task drained;
        lock (gate)
        {
            foreach (var record in instances.Values)
            {
                record.CancelTimers();
            }

            drained = busy == 0 ? Task.CompletedTask : idle.Task;
        }

        await stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await drained.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // An invoker that ignores cancellation: its late result lands in an instance nobody reads any more.
        }

        stopping.Dispose();
    }

    /// <summary>Starts an instance, or says why not; the gRPC service and sub-orchestrations come through here.</summary>
    internal DurableRequestOutcome TryStartInstance(
        string name,
        string? input,
        string? instanceId,
        string? version,
        DateTimeOffset? scheduledStart,
        IEnumerable<KeyValuePair<string, string>>? tags,
        ParentInstanceInfo? parent,
        out string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        id = string.IsNullOrEmpty(instanceId) ? Guid.NewGuid().ToString("N") : instanceId;
        lock (gate)
        {
            return StartLocked(name, input, id, version, scheduledStart, tags, parent);
        }
    }

    /// <summary>The instance's protobuf state, as <c>GetInstance</c> answers; <see langword="null"/> for an unknown instance.</summary>
    internal OrchestrationState? GetState(string instanceId, bool includePayloads)
    {
        lock (gate)
        {
            return instances.TryGetValue(instanceId, out var record) ? ToState(record, includePayloads) : null;
        }
    }

    /// <summary>The protobuf states of the instances <paramref name="filter"/> selects, oldest first.</summary>
    internal List<OrchestrationState> QueryStates(Func<DurableInstanceStatus, bool> filter, bool includePayloads)
    {
        lock (gate)
        {
            return
            [
                .. instances.Values
                    .OrderBy(r => r.CreatedAt).ThenBy(r => r.InstanceId, StringComparer.Ordinal)
                    .Where(r => filter(r.Snapshot()))
                    .Select(r => ToState(r, includePayloads)),
            ];
        }
    }

    private static OrchestrationState ToState(InstanceRecord record, bool includePayloads)
    {
        var state = new OrchestrationState
        {
            InstanceId = record.InstanceId,
            Name = record.Name,
            Version = record.Version,
            ExecutionId = record.ExecutionId,
            OrchestrationStatus = record.Status,
            CreatedTimestamp = Timestamp.FromDateTimeOffset(record.CreatedAt),
            LastUpdatedTimestamp = Timestamp.FromDateTimeOffset(record.LastUpdatedAt),
            ParentInstanceId = record.Parent?.OrchestrationInstance?.InstanceId,
        };
        if (record.CompletedAt is { } completed)
        {
            state.CompletedTimestamp = Timestamp.FromDateTimeOffset(completed);
        }

        if (record.ScheduledStartAt is { } scheduled)
        {
            state.ScheduledStartTimestamp = Timestamp.FromDateTimeOffset(scheduled);
        }

        state.Tags.Add(record.Tags);

        // Like the extension's server, inputs, outputs, custom status and failure only when asked for.
        if (includePayloads)
        {
            state.Input = record.Input;
            state.Output = record.Output;
            state.CustomStatus = record.CustomStatus;
            state.FailureDetails = record.Failure?.Clone();
        }

        return state;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DateTimeOffset Now => time.GetUtcNow();

    private HistoryEvent NewEvent(Action<HistoryEvent> fill, int eventId = -1)
    {
        var historyEvent = new HistoryEvent { EventId = eventId, Timestamp = Timestamp.FromDateTimeOffset(Now) };
        fill(historyEvent);
        return historyEvent;
    }

    private DurableRequestOutcome StartLocked(
        string name,
        string? input,
        string id,
        string? version,
        DateTimeOffset? scheduledStart,
        IEnumerable<KeyValuePair<string, string>>? tags,
        ParentInstanceInfo? parent)
    {
        if (instances.TryGetValue(id, out var existing))
        {
            if (!existing.IsFinished)
            {
                return DurableRequestOutcome.AlreadyExists;
            }

            // A finished instance's id may be reused (the extension's default OverridableExistingInstanceStates).
            existing.CancelTimers();
        }

        var now = Now;
        var record = new InstanceRecord(id, Guid.NewGuid().ToString(), name, now) { Version = version, Input = input, Parent = parent };
        foreach (var (key, value) in tags ?? [])
        {
            record.Tags[key] = value;
        }

        instances[id] = record;
        var started = ExecutionStarted(record);
        if (scheduledStart is { } at && at > now)
        {
            record.ScheduledStartAt = at;
            started.ExecutionStarted.ScheduledStartTimestamp = Timestamp.FromDateTimeOffset(at);
            record.AwaitingStart = true;
            ITimer? timer = null;
            timer = time.CreateTimer(
                _ =>
                {
                    lock (gate)
                    {
                        record.Timers.Remove(timer!);
                        if (!record.AwaitingStart || !ReferenceEquals(instances.GetValueOrDefault(id), record))
                        {
                            return;
                        }

                        record.AwaitingStart = false;
                        record.Inbox.Insert(0, started);
                        EnsurePump(record);
                    }
                },
                null,
                at - now,
                Timeout.InfiniteTimeSpan);
            record.Timers.Add(timer);
        }
        else
        {
            record.Inbox.Add(started);
            EnsurePump(record);
        }

        SignalChanged();
        return DurableRequestOutcome.Accepted;
    }

    private HistoryEvent ExecutionStarted(InstanceRecord record)
    {
        var started = new ExecutionStartedEvent
        {
            Name = record.Name,
            Version = record.Version,
            Input = record.Input,
            OrchestrationInstance = new OrchestrationInstance { InstanceId = record.InstanceId, ExecutionId = record.ExecutionId },
            ParentInstance = record.Parent?.Clone(),
        };
        started.Tags.Add(record.Tags);
        return NewEvent(e => e.ExecutionStarted = started);
    }

    private DurableRequestOutcome TerminateLocked(string instanceId, string? output, bool recursive)
    {
        if (!instances.TryGetValue(instanceId, out var record))
        {
            return DurableRequestOutcome.NotFound;
        }

        if (record.IsFinished)
        {
            return DurableRequestOutcome.NotRunning;
        }

        var terminated = NewEvent(e => e.ExecutionTerminated = new ExecutionTerminatedEvent { Input = output, Recurse = recursive });
        if (record.AwaitingStart || !record.Pumping)
        {
            ApplyTermination(record, terminated);
        }
        else
        {
            Deliver(record, terminated);
        }

        return DurableRequestOutcome.Accepted;
    }

    private int PurgeLocked(string instanceId, bool recursive)
    {
        if (!instances.TryGetValue(instanceId, out var record) || !record.IsFinished)
        {
            return 0;
        }

        instances.Remove(instanceId);
        var deleted = 1;
        if (recursive)
        {
            var children = instances.Values.Where(r => r.Parent?.OrchestrationInstance?.InstanceId == instanceId).Select(r => r.InstanceId).ToList();
            foreach (var child in children)
            {
                deleted += PurgeLocked(child, recursive: true);
            }
        }

        SignalChanged();
        return deleted;
    }

    private void SetStatus(InstanceRecord record, OrchestrationStatus status)
    {
        record.Status = status;
        record.LastUpdatedAt = Now;
        SignalChanged();
    }

    private void SignalChanged()
    {
        var previous = changed;
        changed = NewSignal();
        previous.SetResult();
    }
}
