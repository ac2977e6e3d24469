using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.DurableTask.Protobuf;
using Microsoft.Extensions.Time.Testing;
using Portable.Emulators.Azure.Durable;
using Portable.Emulators.Azure.Isolated;
using Portable.Emulators.Tests.Azure.Isolated;
using Xunit.Abstractions;
using Kind = Microsoft.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace Portable.Emulators.Tests.Azure.Durable;

/// <summary>
/// Durable orchestrations on the real 1.21.1 Durable worker extension (tests/IsolatedWorkerApp's order workflow),
/// with the emulator as Functions host and task hub: the app's own HTTP functions start, approve and query orders
/// through their <c>[DurableClient]</c>, and the test moves the hub's clock and reads its histories.
/// </summary>
public sealed class DurableOnIsolatedWorkerTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Start);
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(60));
    private IsolatedFunctionsHost host = null!;
    private HttpClient client = null!;

    private CancellationToken Ct => timeout.Token;

    private DurableTaskHub Hub => host.Durable!;

    public async Task InitializeAsync()
    {
        host = await IsolatedWorkerApp.StartAsync(output, o => o with { TimeProvider = clock });
        client = host.CreateClient();
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await host.DisposeAsync();
        timeout.Dispose();
    }

    [Fact]
    public void StartAsync_AppWithDurableFunctions_GetsAHubThatKnowsTheirKinds()
    {
        Assert.NotNull(host.Durable);
        Assert.Equal(DurableFunctionKind.Orchestrator, host.DurableKindOf("OrderOrchestrator"));
        Assert.Equal(DurableFunctionKind.Activity, host.DurableKindOf("Charge"));
        Assert.Equal(DurableFunctionKind.None, host.DurableKindOf("StartOrder"));
        Assert.Contains(host.FindFunction("StartOrder")!.Bindings, b => b is { Type: "durableClient", IsInput: true });
    }

    [Fact]
    public async Task OrderWorkflow_StartedOverHttp_RetriesWaitsOnTheFakeClockTakesTheEventAndLeavesTheWholeHistory()
    {
        // Start over HTTP: the starter's [DurableClient] called StartInstance on the hub, and answered as
        // CreateCheckStatusResponseAsync does, with URLs under the binding's httpBaseUrl.
        using var started = await client.PostAsJsonAsync("orders", new { id = "o1", amount = 12.5m, declines = 2 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var check = await started.Content.ReadFromJsonAsync<JsonElement>(Ct);
        const string id = "order-o1";
        Assert.Equal(id, check.GetProperty("Id").GetString());
        var webhooks = new Uri(host.BaseAddress, "runtime/webhooks/durabletask/").AbsoluteUri;
        Assert.StartsWith(webhooks + "instances/" + id, check.GetProperty("StatusQueryGetUri").GetString(), StringComparison.Ordinal);
        Assert.Equal(check.GetProperty("StatusQueryGetUri").GetString(), started.Headers.Location?.AbsoluteUri);
        Assert.StartsWith(webhooks + "instances/" + id + "/raiseEvent/", check.GetProperty("SendEventPostUri").GetString(), StringComparison.Ordinal);

        // Reserve ran, Charge was declined twice (each retry 10 s later on the hub's clock), then went through;
        // then the five-minute timer. No real waiting: each timer fires when the test moves the clock.
        Assert.Equal([TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5)], await FireTimersAsync(id, 3));
        var waiting = Hub.GetStatus(id)!;
        Assert.Equal(OrchestrationStatus.Running, waiting.RuntimeStatus);
        Assert.Equal(Kind.TimerFired, Hub.GetHistory(id).Last(e => e.Kind != Kind.OrchestratorCompleted && e.Kind != Kind.OrchestratorStarted).Kind);

        // The approval, raised over HTTP through the app's client.
        using var approved = await client.PostAsync($"orders/{id}/approve", new StringContent("alice", Encoding.UTF8, "text/plain"), Ct);
        Assert.Equal(HttpStatusCode.Accepted, approved.StatusCode);
        var done = await Hub.WaitForCompletionAsync(id, Ct);
        Assert.Equal(OrchestrationStatus.Completed, done.RuntimeStatus);
        Assert.Equal("\"reserved:o1|charged:o1:12.5|approved-by:alice\"", done.Output);
        Assert.Equal(Start.AddSeconds(20).AddMinutes(5), done.CompletedAt);

        // The status, queried over HTTP through DurableTaskClient.GetInstanceAsync.
        var status = await client.GetFromJsonAsync<JsonElement>($"orders/{id}", Ct);
        Assert.Equal("Completed", status.GetProperty("RuntimeStatus").GetString());
        Assert.Equal("OrderOrchestrator", status.GetProperty("Name").GetString());
        Assert.Equal(done.Output, status.GetProperty("Output").GetString());
        Assert.Equal("""{"Id":"o1","Amount":12.5,"Declines":2}""", Minified(status.GetProperty("Input").GetString()!));

        // The whole history, as the hub kept it.
        var history = Hub.GetHistory(id);
        output.WriteLine(Hub.DescribeHistory(id));
        Assert.Equal(
            [
                Kind.ExecutionStarted,
                Kind.TaskScheduled, Kind.TaskCompleted,
                Kind.TaskScheduled, Kind.TaskFailed, Kind.TimerCreated, Kind.TimerFired,
                Kind.TaskScheduled, Kind.TaskFailed, Kind.TimerCreated, Kind.TimerFired,
                Kind.TaskScheduled, Kind.TaskCompleted,
                Kind.TimerCreated, Kind.TimerFired,
                Kind.EventRaised,
                Kind.ExecutionCompleted,
            ],
            history.Where(e => e.Kind is not (Kind.OrchestratorStarted or Kind.OrchestratorCompleted)).Select(e => e.Kind));
        var scheduled = history.Where(e => e.Kind == Kind.TaskScheduled).ToList();
        Assert.Equal(["Reserve", "Charge", "Charge", "Charge"], scheduled.Select(e => e.Name));
        Assert.Equal("[\"o1\"]", scheduled[0].Input);
        var failures = history.Where(e => e.Kind == Kind.TaskFailed).ToList();
        Assert.Equal([scheduled[1].EventId, scheduled[2].EventId], failures.Select(f => f.ReferenceId!.Value));
        Assert.All(failures, f => Assert.Equal("System.TimeoutException", f.Failure!.ErrorType));
        Assert.Equal(["gateway timeout on attempt 1 for o1", "gateway timeout on attempt 2 for o1"], failures.Select(f => f.Failure!.ErrorMessage));
        var completed = history.Where(e => e.Kind == Kind.TaskCompleted).ToList();
        // A string result arrives as TypedData.string and is stored JSON-encoded; a record arrives as TypedData.json, kept as is.
        Assert.Equal(["\"reserved:o1\"", """{"OrderId":"o1","Amount":12.5}"""], completed.Select(e => e.Result));
        Assert.Equal([scheduled[0].EventId, scheduled[3].EventId], completed.Select(e => e.ReferenceId!.Value));
        var raised = Assert.Single(history, e => e.Kind == Kind.EventRaised);
        Assert.Equal(("approve", "\"alice\""), (raised.Name, raised.Input));
        Assert.Equal(Kind.OrchestratorCompleted, history[^1].Kind);

        // The activity saw the instance id as binding data, as the host sends it.
        Assert.Contains(host.Logs, l => l.Message == $"reserve o1 in {id}");
    }

    [Fact]
    public async Task OrderWorkflow_ChargeDeclinedEveryTime_ReleasesTheReservationAndFailsWithItsDetails()
    {
        using var started = await client.PostAsJsonAsync("orders", new { id = "o2", amount = 3m, declines = 99 }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        const string id = "order-o2";

        var done = await DriveToCompletionAsync(id);

        Assert.Equal(OrchestrationStatus.Failed, done.RuntimeStatus);
        Assert.Equal("System.InvalidOperationException", done.Failure!.ErrorType);
        Assert.StartsWith("Order o2 was not charged (", done.Failure.ErrorMessage, StringComparison.Ordinal);
        Assert.EndsWith("its reservation was released.", done.Failure.ErrorMessage, StringComparison.Ordinal);

        var history = Hub.GetHistory(id);
        output.WriteLine(Hub.DescribeHistory(id));
        Assert.Equal(["Reserve", "Charge", "Charge", "Charge", "Release"], history.Where(e => e.Kind == Kind.TaskScheduled).Select(e => e.Name));
        Assert.Equal(3, history.Count(e => e.Kind == Kind.TaskFailed));
        Assert.Equal("\"released:reserved:o2\"", history.Last(e => e.Kind == Kind.TaskCompleted).Result);
        var end = history.Single(e => e.Kind == Kind.ExecutionCompleted);
        Assert.Equal(nameof(OrchestrationStatus.Failed), end.Name, ignoreCase: true);

        var status = await client.GetFromJsonAsync<JsonElement>($"orders/{id}", Ct);
        Assert.Equal("Failed", status.GetProperty("RuntimeStatus").GetString());
        Assert.Equal("System.InvalidOperationException", status.GetProperty("FailureType").GetString());
        Assert.Equal(done.Failure.ErrorMessage, status.GetProperty("FailureMessage").GetString());
    }

    [Fact]
    public async Task StatusOverHttp_UnknownInstance_Is404FromTheClientsGetInstance()
    {
        using var response = await client.GetAsync("orders/no-such-order", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OrchestratorRequest_IncludeState_IsWhatMakesTheRealWorkerReplayTheHistoryItIsSent(bool includeState)
    {
        // The hub sends the full history with IncludeState=true; the 1.21.1 worker (DurableTask 1.28) takes
        // IncludeState=false to mean "history left out" and asks for it instead of running the episode.
        var at = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Start);
        var request = new OrchestratorRequest { InstanceId = "direct-1" };
        request.NewEvents.Add(new HistoryEvent { EventId = -1, Timestamp = at, OrchestratorStarted = new OrchestratorStartedEvent() });
        request.NewEvents.Add(new HistoryEvent
        {
            EventId = -1,
            Timestamp = at,
            ExecutionStarted = new ExecutionStartedEvent
            {
                Name = "OrderOrchestrator",
                Input = """{"Id":"d1","Amount":1,"Declines":0}""",
                OrchestrationInstance = new OrchestrationInstance { InstanceId = "direct-1", ExecutionId = "e1" },
            },
        });
        request.Properties.Add("IncludeState", Google.Protobuf.WellKnownTypes.Value.ForBool(includeState));
        request.Properties.Add("IsExtendedSession", Google.Protobuf.WellKnownTypes.Value.ForBool(false));

        var result = await host.InvokeAsync("OrderOrchestrator", request.ToByteString().ToBase64(), cancellationToken: Ct);

        Assert.True(result.IsSuccess, result.ErrorMessage);
        var response = OrchestratorResponse.Parser.ParseFrom(Convert.FromBase64String(result.ReturnValue!));
        Assert.Equal(!includeState, response.RequiresHistory);
        Assert.Equal(includeState ? ["Reserve"] : [], response.Actions.Select(a => a.ScheduleTask.Name));
    }

    // Waits until the hub is idle, then moves the clock to the one open timer, `count` times; returns each step.
    private async Task<List<TimeSpan>> FireTimersAsync(string instanceId, int count)
    {
        var steps = new List<TimeSpan>();
        for (var i = 0; i < count; i++)
        {
            await Hub.WaitForIdleAsync(Ct);
            var open = OpenTimers(instanceId);
            var timer = Assert.Single(open);
            var step = timer.FireAt!.Value - clock.GetUtcNow();
            steps.Add(step);
            clock.Advance(step);
        }

        await Hub.WaitForIdleAsync(Ct);
        Assert.Empty(OpenTimers(instanceId));
        return steps;
    }

    // Fires every timer the instance creates until it finishes.
    private async Task<DurableInstanceStatus> DriveToCompletionAsync(string instanceId)
    {
        while (true)
        {
            await Hub.WaitForIdleAsync(Ct);
            if (Hub.GetStatus(instanceId) is { IsFinished: true } status)
            {
                return status;
            }

            var timer = Assert.Single(OpenTimers(instanceId));
            clock.Advance(timer.FireAt!.Value - clock.GetUtcNow());
        }
    }

    private List<DurableHistoryEntry> OpenTimers(string instanceId)
    {
        var history = Hub.GetHistory(instanceId);
        var fired = history.Where(e => e.Kind == Kind.TimerFired).Select(e => e.ReferenceId).ToHashSet();
        return [.. history.Where(e => e.Kind == Kind.TimerCreated && !fired.Contains(e.EventId))];
    }

    private static string Minified(string json) => JsonSerializer.Serialize(JsonSerializer.Deserialize<JsonElement>(json));
}
