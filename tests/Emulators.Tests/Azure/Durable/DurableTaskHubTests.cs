using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Protobuf;
using Microsoft.DurableTask.Worker.Grpc;
using Microsoft.Extensions.Time.Testing;
using Portable.Emulators.Azure.Durable;
using Kind = Microsoft.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace Portable.Emulators.Tests.Azure.Durable;

public sealed class DurableTaskHubTests : IAsyncDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Start);
    private readonly InProcessDurableWorker worker = new();
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
    private DurableTaskHub? hub;

    private CancellationToken Ct => timeout.Token;

    private DurableTaskHub Hub => hub ??= new DurableTaskHub(worker, worker.Functions, new DurableTaskHubOptions { TimeProvider = clock });

    public async ValueTask DisposeAsync()
    {
        if (hub is not null)
        {
            await hub.DisposeAsync();
        }

        timeout.Dispose();
    }

    [Fact]
    public async Task SmallOrchestration_ActivitiesRetryTimerAndEvents_RunOnTheFakeClockAndLeaveTheWholeHistory()
    {
        var chargeAttempts = 0;
        worker
            .Orchestrator<string, string>("ProcessOrder", async (ctx, orderId) =>
            {
                var reservation = await ctx.CallActivityAsync<string>("Reserve", orderId);
                ctx.SetCustomStatus(new { stage = "reserved" });
                var charge = await ctx.CallActivityAsync<string>(
                    "Charge", reservation, TaskOptions.FromRetryPolicy(new RetryPolicy(3, TimeSpan.FromSeconds(10))));
                await ctx.CreateTimer(TimeSpan.FromMinutes(5), CancellationToken.None);
                var early = await ctx.WaitForExternalEvent<string>("early");
                ctx.SetCustomStatus(new { stage = "awaiting approval" });
                var approval = await ctx.WaitForExternalEvent<string>("approve");
                return $"{charge}|{early}|{approval}";
            })
            .Activity<string, string>("Reserve", (orderId, _) => Task.FromResult($"R-{orderId}"))
            .Activity<string, string>("Charge", (reservation, _) => ++chargeAttempts < 3
                ? throw new InvalidOperationException($"card declined ({chargeAttempts})")
                : Task.FromResult($"C-{reservation}"));

        var id = Hub.StartInstance("ProcessOrder", "\"order-1\"", "order-1");
        Assert.Equal(DurableRequestOutcome.Accepted, Hub.RaiseEvent(id, "early", "\"before the wait\""));

        // Reserve ran, Charge failed once; the retry waits on a durable timer 10 s ahead on the hub's clock.
        await Hub.WaitForIdleAsync(Ct);
        var status = Hub.GetStatus(id)!;
        Assert.Equal(OrchestrationStatus.Running, status.RuntimeStatus);
        Assert.Equal("""{"stage":"reserved"}""", status.CustomStatus);
        Assert.Equal(1, chargeAttempts);
        var retryTimer = Hub.GetHistory(id).Last(e => e.Kind == Kind.TimerCreated);
        Assert.Equal(Start.AddSeconds(10), retryTimer.FireAt);

        clock.Advance(TimeSpan.FromSeconds(10));
        await Hub.WaitForIdleAsync(Ct);
        Assert.Equal(2, chargeAttempts);
        clock.Advance(TimeSpan.FromSeconds(10));
        await Hub.WaitForIdleAsync(Ct);
        Assert.Equal(3, chargeAttempts);

        // The five-minute timer: created on the clock, nothing fires until the clock passes it.
        var fiveMinutes = Hub.GetHistory(id).Last(e => e.Kind == Kind.TimerCreated);
        Assert.Equal(Start.AddSeconds(20).AddMinutes(5), fiveMinutes.FireAt);
        clock.Advance(TimeSpan.FromMinutes(4));
        await Hub.WaitForIdleAsync(Ct);
        Assert.DoesNotContain(Hub.GetHistory(id), e => e.Kind == Kind.TimerFired && e.ReferenceId == fiveMinutes.EventId);
        clock.Advance(TimeSpan.FromMinutes(1));
        await Hub.WaitForStatusAsync(id, s => s.CustomStatus == """{"stage":"awaiting approval"}""", Ct);

        Assert.Equal(DurableRequestOutcome.Accepted, Hub.RaiseEvent(id, "approve", "\"yes\""));
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Completed, done.RuntimeStatus);
        Assert.Equal("\"C-R-order-1|before the wait|yes\"", done.Output);
        Assert.Equal("\"order-1\"", done.Input);
        Assert.Equal(Start.AddSeconds(20).AddMinutes(5), done.CompletedAt);

        var history = Hub.GetHistory(id);
        var scheduled = history.Where(e => e.Kind == Kind.TaskScheduled).ToList();
        Assert.Equal(["Reserve", "Charge", "Charge", "Charge"], scheduled.Select(e => e.Name));
        Assert.Equal("[\"order-1\"]", scheduled[0].Input);
        var failures = history.Where(e => e.Kind == Kind.TaskFailed).ToList();
        Assert.Equal(2, failures.Count);
        Assert.Equal("System.InvalidOperationException", failures[0].Failure!.ErrorType);
        Assert.Equal("card declined (1)", failures[0].Failure!.ErrorMessage);
        Assert.Equal(scheduled[1].EventId, failures[0].ReferenceId);
        var completed = history.Where(e => e.Kind == Kind.TaskCompleted).ToList();
        Assert.Equal(["\"R-order-1\"", "\"C-R-order-1\""], completed.Select(e => e.Result));
        Assert.Equal(scheduled[3].EventId, completed[1].ReferenceId);
        Assert.Contains(history, e => e.Kind == Kind.TimerFired && e.ReferenceId == fiveMinutes.EventId && e.Timestamp == fiveMinutes.FireAt);
        Assert.Equal(["before the wait", "yes"], history.Where(e => e.Kind == Kind.EventRaised).Select(e => JsonSerializer.Deserialize<string>(e.Input!)));
        var last = history[^2];
        Assert.Equal(Kind.ExecutionCompleted, last.Kind);
        Assert.Equal(Kind.OrchestratorCompleted, history[^1].Kind);
        Assert.Single(history, e => e.Kind == Kind.ExecutionStarted);

        // The same history as text, for a failing test's message.
        var text = Hub.DescribeHistory(id);
        Assert.Contains($"#{scheduled[1].EventId} TaskScheduled Charge [\"R-order-1\"]", text, StringComparison.Ordinal);
        Assert.Contains($"TaskFailed ->{scheduled[1].EventId} System.InvalidOperationException: card declined (1)", text, StringComparison.Ordinal);
        Assert.Equal(history.Count, text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        // The activity got its argument unwrapped from ScheduleTask's array, and the instance id as metadata.
        var reserve = worker.Invocations.Single(i => i.Function == "Reserve");
        Assert.Equal("\"order-1\"", reserve.TriggerValue);
        Assert.Equal("order-1", reserve.Metadata["instanceId"]);
    }

    [Fact]
    public async Task Episodes_EachRequest_CarriesTheFullHistoryAndStartsWithOrchestratorStartedOnTheClock()
    {
        worker
            .Orchestrator<string, string>("TwoSteps", async (ctx, input) =>
            {
                var a = await ctx.CallActivityAsync<string>("Echo", input);
                await ctx.CreateTimer(ctx.CurrentUtcDateTime.AddHours(1), CancellationToken.None);
                return await ctx.CallActivityAsync<string>("Echo", a + "!");
            })
            .Activity<string, string>("Echo", (s, _) => Task.FromResult(s!));

        var id = Hub.StartInstance("TwoSteps", "\"x\"");
        await Hub.WaitForIdleAsync(Ct);
        clock.Advance(TimeSpan.FromHours(1));
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal("\"x!\"", done.Output);
        Assert.Equal(32, id.Length);
        var requests = worker.OrchestratorRequests.ToList();
        Assert.Equal(4, requests.Count);
        var pastCount = 0;
        foreach (var request in requests)
        {
            Assert.Equal(id, request.InstanceId);
            Assert.Equal(pastCount, request.PastEvents.Count);
            Assert.Equal(Kind.OrchestratorStarted, request.NewEvents[0].EventTypeCase);
            Assert.Equal(Kind.ExecutionStarted, (request.PastEvents.Count > 0 ? request.PastEvents[1] : request.NewEvents[1]).EventTypeCase);

            // Each episode's past is the previous request's past and new events plus the actions' events.
            pastCount = request.PastEvents.Count + request.NewEvents.Count + 2;
        }

        Assert.Equal(Start.AddHours(1), requests[3].NewEvents[0].Timestamp.ToDateTimeOffset());
        Assert.Equal(Start, requests[0].NewEvents[0].Timestamp.ToDateTimeOffset());
    }

    [Fact]
    public async Task SubOrchestration_CompletedAndFailedChildren_ReportBackToTheParent()
    {
        worker
            .Orchestrator<string, string>("Parent", async (ctx, input) =>
            {
                var ok = await ctx.CallSubOrchestratorAsync<string>("Child", input, new SubOrchestrationOptions { InstanceId = "child-ok" });
                try
                {
                    await ctx.CallSubOrchestratorAsync<string>("Child", "boom", new SubOrchestrationOptions { InstanceId = "child-bad" });
                    return ok;
                }
                catch (TaskFailedException e)
                {
                    return $"{ok}; {e.FailureDetails.ErrorMessage}";
                }
            })
            .Orchestrator<string, string>("Child", async (ctx, input) => input == "boom"
                ? throw new InvalidOperationException("child failed")
                : await ctx.CallActivityAsync<string>("Shout", input))
            .Activity<string, string>("Shout", (s, _) => Task.FromResult(s!.ToUpperInvariant()));

        var id = Hub.StartInstance("Parent", "\"hi\"", "parent");
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Completed, done.RuntimeStatus);
        Assert.Equal("\"HI; child failed\"", done.Output);
        var child = Hub.GetStatus("child-ok")!;
        Assert.Equal(OrchestrationStatus.Completed, child.RuntimeStatus);
        Assert.Equal("parent", child.ParentInstanceId);
        Assert.Equal("\"hi\"", child.Input);
        var bad = Hub.GetStatus("child-bad")!;
        Assert.Equal(OrchestrationStatus.Failed, bad.RuntimeStatus);
        Assert.Equal("child failed", bad.Failure!.ErrorMessage);

        var history = Hub.GetHistory(id);
        var created = history.Where(e => e.Kind == Kind.SubOrchestrationInstanceCreated).ToList();
        Assert.Equal(["Child", "Child"], created.Select(e => e.Name));
        Assert.Equal("\"hi\"", created[0].Input);
        var completed = Assert.Single(history, e => e.Kind == Kind.SubOrchestrationInstanceCompleted);
        Assert.Equal(created[0].EventId, completed.ReferenceId);
        Assert.Equal("\"HI\"", completed.Result);
        var failed = Assert.Single(history, e => e.Kind == Kind.SubOrchestrationInstanceFailed);
        Assert.Equal(created[1].EventId, failed.ReferenceId);
    }

    [Fact]
    public async Task ContinueAsNew_RestartsWithTheNewInputAndCarriesEventsOver()
    {
        worker.Orchestrator<int, int>("Counter", async (ctx, n) =>
        {
            await ctx.WaitForExternalEvent<string>("tick");
            if (n < 2)
            {
                ctx.ContinueAsNew(n + 1, preserveUnprocessedEvents: true);
                return n;
            }

            return n * 10;
        });

        // Three ticks wait for a delayed start, so the first execution sees them all and carries two over.
        var id = Hub.StartInstance("Counter", "0", "counter", scheduledStart: Start.AddMinutes(1));
        foreach (var _ in Enumerable.Range(0, 3))
        {
            Hub.RaiseEvent(id, "tick", "\"t\"");
        }

        clock.Advance(TimeSpan.FromMinutes(1));
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Completed, done.RuntimeStatus);
        Assert.Equal("20", done.Output);
        Assert.Equal("2", done.Input);
        var history = Hub.GetHistory(id);
        Assert.Equal(3, history.Select(e => e.ExecutionId).Distinct().Count());
        Assert.Equal(["0", "1", "2"], history.Where(e => e.Kind == Kind.ExecutionStarted).Select(e => e.Input));
        Assert.Equal(
            [nameof(OrchestrationStatus.ContinuedAsNew), nameof(OrchestrationStatus.ContinuedAsNew), nameof(OrchestrationStatus.Completed)],
            history.Where(e => e.Kind == Kind.ExecutionCompleted).Select(e => e.Name));
        Assert.Equal(done.ExecutionId, history[^1].ExecutionId);
        Assert.Equal([3, 2, 1], history.GroupBy(e => e.ExecutionId).Select(g => g.Count(e => e.Kind == Kind.EventRaised)));
    }

    [Fact]
    public async Task FailingOrchestrator_EndsFailedWithTheExceptionsDetails()
    {
        worker.Orchestrator<string, string>("Boom", (_, _) => throw new InvalidOperationException("orch boom"));

        var id = Hub.StartInstance("Boom");
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Failed, done.RuntimeStatus);
        Assert.Equal("System.InvalidOperationException", done.Failure!.ErrorType);
        Assert.Equal("orch boom", done.Failure.ErrorMessage);
        Assert.NotNull(done.Failure.StackTrace);
        var completed = Hub.GetHistory(id).Single(e => e.Kind == Kind.ExecutionCompleted);
        Assert.Equal("orch boom", completed.Failure!.ErrorMessage);
    }

    [Fact]
    public async Task UnknownActivity_FailsTheTaskAsTheHostDoes()
    {
        worker.Orchestrator<string, string>("CallsNothing", async (ctx, _) => await ctx.CallActivityAsync<string>("Missing"));

        var id = Hub.StartInstance("CallsNothing");
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Failed, done.RuntimeStatus);
        var taskFailed = Hub.GetHistory(id).Single(e => e.Kind == Kind.TaskFailed);
        Assert.Equal("System.ArgumentException", taskFailed.Failure!.ErrorType);
        Assert.Equal("The function 'Missing' doesn't exist, is disabled, or is not an activity function.", taskFailed.Failure.ErrorMessage);
    }

    [Fact]
    public async Task FailedInvocation_MarksTheInstanceFailedWithTheWorkersMessage()
    {
        // The worker is handed a request without its ExecutionStarted event, which the real engine refuses.
        worker.RawOrchestrator("Amnesiac", encoded =>
        {
            var request = OrchestratorRequest.Parser.ParseFrom(Convert.FromBase64String(encoded));
            var stripped = new OrchestratorRequest { InstanceId = request.InstanceId };
            stripped.NewEvents.Add(request.NewEvents.Where(e => e.EventTypeCase != Kind.ExecutionStarted));
            return DurableInvocationResult.Success(GrpcOrchestrationRunner.LoadAndRun<string, string>(
                Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(stripped)), (_, s) => Task.FromResult(s)));
        });

        var id = Hub.StartInstance("Amnesiac");
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Failed, done.RuntimeStatus);
        Assert.Contains("ExecutionStarted", done.Failure!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnsupportedAction_FailsTheInstanceAsTheHostRejectsIt()
    {
        worker.RawOrchestrator("Terminator", _ =>
        {
            var response = new OrchestratorResponse();
            response.Actions.Add(new OrchestratorAction { Id = 0, TerminateOrchestration = new TerminateOrchestrationAction { InstanceId = "other" } });
            return DurableInvocationResult.Success(Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(response)));
        });

        var id = Hub.StartInstance("Terminator");
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Failed, done.RuntimeStatus);
        Assert.Equal("System.NotSupportedException", done.Failure!.ErrorType);
        Assert.Contains("TerminateOrchestration", done.Failure.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Terminate_RunningInstanceAndItsChild_EndsBothTerminatedAndRefusesLaterEvents()
    {
        worker
            .Orchestrator<string, string>("Waiter", async (ctx, _) =>
                await ctx.CallSubOrchestratorAsync<string>("Sleeper", null, new SubOrchestrationOptions { InstanceId = "sleeper" }))
            .Orchestrator<string, string>("Sleeper", async (ctx, _) => await ctx.WaitForExternalEvent<string>("never"));

        var id = Hub.StartInstance("Waiter", instanceId: "waiter");
        await Hub.WaitForStatusAsync("sleeper", OrchestrationStatus.Running, Ct);
        await Hub.WaitForIdleAsync(Ct);

        Assert.Equal(DurableRequestOutcome.Accepted, Hub.Terminate(id, "\"enough\"", recursive: true));
        var done = await Hub.WaitForCompletionAsync(id, Ct);
        var child = await Hub.WaitForCompletionAsync("sleeper", Ct);

        Assert.Equal(OrchestrationStatus.Terminated, done.RuntimeStatus);
        Assert.Equal("\"enough\"", done.Output);
        Assert.Equal(OrchestrationStatus.Terminated, child.RuntimeStatus);
        Assert.Contains(Hub.GetHistory(id), e => e.Kind == Kind.ExecutionTerminated && e.Input == "\"enough\"");
        Assert.Equal(DurableRequestOutcome.NotRunning, Hub.RaiseEvent(id, "never"));
        Assert.Equal(DurableRequestOutcome.NotRunning, Hub.Terminate(id));
        Assert.Equal(DurableRequestOutcome.NotFound, Hub.Terminate("nobody"));
    }

    [Fact]
    public async Task ScheduledStart_StaysPendingUntilTheClockPassesIt()
    {
        worker.Orchestrator<string, string>("Later", (ctx, _) => Task.FromResult<string?>(ctx.CurrentUtcDateTime.ToString("O")));

        var id = Hub.StartInstance("Later", scheduledStart: Start.AddHours(2));
        await Hub.WaitForIdleAsync(Ct);
        Assert.Equal(OrchestrationStatus.Pending, Hub.GetStatus(id)!.RuntimeStatus);
        Assert.Empty(worker.Invocations);

        clock.Advance(TimeSpan.FromHours(2));
        var done = await Hub.WaitForCompletionAsync(id, Ct);

        Assert.Equal(OrchestrationStatus.Completed, done.RuntimeStatus);
        Assert.Equal(Start.AddHours(2), DateTimeOffset.Parse(JsonSerializer.Deserialize<string>(done.Output!)!, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task SendEvent_DeliversToTheTargetAndRecordsEventSent()
    {
        worker
            .Orchestrator<string, string>("Listener", async (ctx, _) => await ctx.WaitForExternalEvent<string>("ping"))
            .Orchestrator<string, string>("Sender", (ctx, _) =>
            {
                ctx.SendEvent("listener", "ping", "pong");
                return Task.FromResult<string?>("sent");
            });

        Hub.StartInstance("Listener", instanceId: "listener");
        var sender = Hub.StartInstance("Sender");
        var listened = await Hub.WaitForCompletionAsync("listener", Ct);
        await Hub.WaitForCompletionAsync(sender, Ct);

        Assert.Equal("\"pong\"", listened.Output);
        var sent = Assert.Single(Hub.GetHistory(sender), e => e.Kind == Kind.EventSent);
        Assert.Equal("ping", sent.Name);
        Assert.Equal("listener", sent.Event.EventSent.InstanceId);
        Assert.Equal(0, sent.EventId);
    }

    [Fact]
    public void DurableClientBindingJson_NamesTheHubAndTheRpcAddress()
    {
        var json = Hub.DurableClientBindingJson(new Uri("http://127.0.0.1:5123/"));

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("TestHubName", root.GetProperty("taskHubName").GetString());
        Assert.Equal("Storage", root.GetProperty("connectionName").GetString());
        Assert.Equal("http://127.0.0.1:5123/", root.GetProperty("rpcBaseUrl").GetString());
        Assert.Equal("", root.GetProperty("requiredQueryStringParameters").GetString());
        Assert.Equal("http://127.0.0.1:5123/runtime/webhooks/durabletask", root.GetProperty("httpBaseUrl").GetString());
        Assert.Equal(4_194_304, root.GetProperty("maxGrpcMessageSizeInBytes").GetInt32());
        Assert.Equal(TimeSpan.FromSeconds(100), JsonSerializer.Deserialize<TimeSpan>(root.GetProperty("grpcHttpClientTimeout").GetString()!));
    }

    [Fact]
    public async Task ActivityInput_IsTheSingleArgumentUnwrapped_ForObjectsAndForNone()
    {
        worker
            .Orchestrator<string, string>("Inputs", async (ctx, _) =>
            {
                var sum = await ctx.CallActivityAsync<int>("Add", new Pair(21, 21));
                var none = await ctx.CallActivityAsync<string>("Nothing");
                return $"{sum}/{none}";
            })
            .Activity<Pair, int>("Add", (p, _) => Task.FromResult(p!.A + p.B))
            .Activity<string, string>("Nothing", (s, _) => Task.FromResult(s ?? "none"));

        var done = await Hub.WaitForCompletionAsync(Hub.StartInstance("Inputs"), Ct);

        Assert.Equal("\"42/none\"", done.Output);
        Assert.Equal("{\"A\":21,\"B\":21}", worker.Invocations.Single(i => i.Function == "Add").TriggerValue);
        Assert.Equal("null", worker.Invocations.Single(i => i.Function == "Nothing").TriggerValue);
    }

    [Fact]
    public async Task FanOut_ActivitiesFinishingTogether_NeverOverlapTheInstancesEpisodes()
    {
        var inEpisode = 0;
        var overlapped = false;
        Func<TaskOrchestrationContext, int, Task<int>> fanOut = async (ctx, n) =>
            (await Task.WhenAll(Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<int>("Square", i)))).Sum();
        worker
            .RawOrchestrator("FanOut", async encoded =>
            {
                overlapped |= Interlocked.Increment(ref inEpisode) > 1;
                await Task.Delay(5);
                var response = GrpcOrchestrationRunner.LoadAndRun<int, int>(encoded, async (ctx, n) => await fanOut(ctx, n));
                Interlocked.Decrement(ref inEpisode);
                return DurableInvocationResult.Success(response);
            })
            .Activity<int, int>("Square", async (i, _) =>
            {
                await Task.Yield();
                return i * i;
            });

        var done = await Hub.WaitForCompletionAsync(Hub.StartInstance("FanOut", "12"), Ct);

        Assert.Equal(OrchestrationStatus.Completed, done.RuntimeStatus);
        Assert.Equal("650", done.Output);
        Assert.False(overlapped);
        Assert.Equal(12, worker.CountOf("Square"));
    }

    [Fact]
    public async Task Episodes_OfDifferentInstances_RunConcurrently()
    {
        // The first instance's episode holds until the second instance's episode has run: one at a time hub-wide would never finish.
        var secondRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker
            .RawOrchestrator("Holder", async encoded =>
            {
                await secondRan.Task.WaitAsync(Ct);
                return DurableInvocationResult.Success(GrpcOrchestrationRunner.LoadAndRun<string, string>(encoded, (_, _) => Task.FromResult<string?>("held")));
            })
            .RawOrchestrator("Releaser", encoded =>
            {
                secondRan.TrySetResult();
                return DurableInvocationResult.Success(GrpcOrchestrationRunner.LoadAndRun<string, string>(encoded, (_, _) => Task.FromResult<string?>("released")));
            });

        var holder = Hub.StartInstance("Holder");
        var releaser = Hub.StartInstance("Releaser");

        Assert.Equal("\"released\"", (await Hub.WaitForCompletionAsync(releaser, Ct)).Output);
        Assert.Equal("\"held\"", (await Hub.WaitForCompletionAsync(holder, Ct)).Output);
    }

    public sealed record Pair(int A, int B);
}
