using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Client.Grpc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portable.Emulators.Azure.Durable;
using Kind = Microsoft.DurableTask.Protobuf.HistoryEvent.EventTypeOneofCase;

namespace Portable.Emulators.Tests.Azure.Durable;

/// <summary>The hub as a <c>[DurableClient]</c> binding sees it: Durable's real gRPC client against the sidecar service on loopback Kestrel.</summary>
public sealed class DurableTaskHubGrpcServiceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider clock = new(Start);
    private readonly InProcessDurableWorker worker = new();
    private readonly CancellationTokenSource timeout = new(TimeSpan.FromSeconds(30));
    private DurableTaskHub hub = null!;
    private DurableTaskHubServer server = null!;
    private GrpcChannel channel = null!;
    private DurableTaskClient client = null!;

    private CancellationToken Ct => timeout.Token;

    public async Task InitializeAsync()
    {
        worker
            .Orchestrator<string, string>("Approval", async (ctx, order) =>
            {
                var reserved = await ctx.CallActivityAsync<string>("Reserve", order);
                ctx.SetCustomStatus("waiting");
                var answer = await ctx.WaitForExternalEvent<string>("approve");
                return $"{reserved}:{answer}";
            })
            .Orchestrator<string, string>("Quick", (_, input) => Task.FromResult<string?>($"quick {input}"))
            .Activity<string, string>("Reserve", (order, _) => Task.FromResult($"R-{order}"));
        hub = new DurableTaskHub(worker, worker.Functions, new DurableTaskHubOptions { TimeProvider = clock });
        server = await DurableTaskHubServer.StartAsync(hub, cancellationToken: Ct);
        channel = GrpcChannel.ForAddress(server.Address);
        client = new GrpcDurableTaskClient("test", new GrpcDurableTaskClientOptions { Channel = channel }, NullLogger.Instance);
    }

    public async Task DisposeAsync()
    {
        await client.DisposeAsync();
        channel.Dispose();
        await server.DisposeAsync();
        await hub.DisposeAsync();
        timeout.Dispose();
    }

    [Fact]
    public async Task Client_SchedulesRaisesWaitsAndReads_ThroughTheSidecarService()
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Approval", "order-7", Ct);
        var started = await client.WaitForInstanceStartAsync(id, Ct);
        Assert.NotEqual(OrchestrationRuntimeStatus.Pending, started.RuntimeStatus);
        await hub.WaitForIdleAsync(Ct);

        var waiting = await client.GetInstanceAsync(id, getInputsAndOutputs: true, Ct);
        Assert.NotNull(waiting);
        Assert.Equal(OrchestrationRuntimeStatus.Running, waiting.RuntimeStatus);
        Assert.Equal("Approval", waiting.Name);
        Assert.Equal("\"order-7\"", waiting.SerializedInput);
        Assert.Equal("waiting", waiting.ReadCustomStatusAs<string>());
        Assert.Equal(Start, waiting.CreatedAt);

        await client.RaiseEventAsync(id, "approve", "yes", Ct);
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Ct);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("R-order-7:yes", done.ReadOutputAs<string>());
        Assert.Contains(hub.GetHistory(id), e => e.Kind == Kind.EventRaised && e.Name == "approve" && e.Input == "\"yes\"");
    }

    [Fact]
    public async Task GetInstance_WithoutInputsAndOutputs_LeavesThemOut()
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync("Quick", "q", Ct);
        await client.WaitForInstanceCompletionAsync(id, Ct);

        var bare = await client.GetInstanceAsync(id, getInputsAndOutputs: false, Ct);

        Assert.NotNull(bare);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, bare.RuntimeStatus);
        Assert.Null(bare.SerializedOutput);
        Assert.Null(bare.SerializedInput);
    }

    [Fact]
    public async Task UnknownInstance_ReadsAsMissingAndCommandsAnswerNotFound()
    {
        Assert.Null(await client.GetInstanceAsync("nobody", Ct));

        var raise = await Assert.ThrowsAnyAsync<Exception>(() => client.RaiseEventAsync("nobody", "e", null, Ct));
        Assert.Equal(StatusCode.NotFound, StatusOf(raise));
        var terminate = await Assert.ThrowsAnyAsync<Exception>(() => client.TerminateInstanceAsync("nobody", cancellation: Ct));
        Assert.Equal(StatusCode.NotFound, StatusOf(terminate));
    }

    [Fact]
    public async Task StartInstance_WithTheIdOfARunningInstance_AnswersAlreadyExists()
    {
        var options = new StartOrchestrationOptions { InstanceId = "dup" };
        await client.ScheduleNewOrchestrationInstanceAsync("Approval", "a", options, Ct);

        // The client turns the server's AlreadyExists status into this exception and nothing else.
        var error = await Assert.ThrowsAsync<DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException>(
            () => client.ScheduleNewOrchestrationInstanceAsync("Approval", "b", options, Ct));

        Assert.Contains("dup", error.Message, StringComparison.Ordinal);
        Assert.Equal("\"a\"", hub.GetStatus("dup")!.Input);
    }

    [Fact]
    public async Task ScheduledStart_FromTheClient_WaitsForTheHubsClock()
    {
        var id = await client.ScheduleNewOrchestrationInstanceAsync(
            "Quick", "later", new StartOrchestrationOptions { StartAt = Start.AddMinutes(30) }, Ct);
        await hub.WaitForIdleAsync(Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Pending, (await client.GetInstanceAsync(id, Ct))!.RuntimeStatus);

        clock.Advance(TimeSpan.FromMinutes(30));
        var done = await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, Ct);

        Assert.Equal("quick later", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task TerminateSuspendResume_FromTheClient_ChangeTheInstancesStatus()
    {
        var suspended = await client.ScheduleNewOrchestrationInstanceAsync("Approval", "s", Ct);
        await hub.WaitForIdleAsync(Ct);
        await client.SuspendInstanceAsync(suspended, "hold", Ct);
        await client.RaiseEventAsync(suspended, "approve", "while suspended", Ct);
        await hub.WaitForIdleAsync(Ct);
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await client.GetInstanceAsync(suspended, Ct))!.RuntimeStatus);

        await client.ResumeInstanceAsync(suspended, "go", Ct);
        var resumed = await client.WaitForInstanceCompletionAsync(suspended, getInputsAndOutputs: true, Ct);
        Assert.Equal("R-s:while suspended", resumed.ReadOutputAs<string>());
        Assert.Contains(hub.GetHistory(suspended), e => e.Kind == Kind.ExecutionSuspended && e.Input == "hold");

        var terminated = await client.ScheduleNewOrchestrationInstanceAsync("Approval", "t", Ct);
        await hub.WaitForIdleAsync(Ct);
        await client.TerminateInstanceAsync(terminated, "stop", Ct);
        var ended = await client.WaitForInstanceCompletionAsync(terminated, getInputsAndOutputs: true, Ct);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, ended.RuntimeStatus);
        Assert.Equal("stop", ended.ReadOutputAs<string>());
        var again = await Assert.ThrowsAnyAsync<Exception>(() => client.RaiseEventAsync(terminated, "approve", "late", Ct));
        Assert.Equal(StatusCode.FailedPrecondition, StatusOf(again));
    }

    [Fact]
    public async Task QueryAndPurge_FromTheClient_SeeAndDeleteFinishedInstances()
    {
        var quick = await client.ScheduleNewOrchestrationInstanceAsync("Quick", "1", new StartOrchestrationOptions { InstanceId = "job-1" }, Ct);
        await client.ScheduleNewOrchestrationInstanceAsync("Quick", "2", new StartOrchestrationOptions { InstanceId = "job-2" }, Ct);
        var running = await client.ScheduleNewOrchestrationInstanceAsync("Approval", "x", new StartOrchestrationOptions { InstanceId = "job-3" }, Ct);
        await client.WaitForInstanceCompletionAsync("job-1", Ct);
        await client.WaitForInstanceCompletionAsync("job-2", Ct);
        await hub.WaitForIdleAsync(Ct);

        var completed = new List<string>();
        await foreach (var instance in client.GetAllInstancesAsync(new OrchestrationQuery
        {
            InstanceIdPrefix = "job-",
            Statuses = [OrchestrationRuntimeStatus.Completed],
            PageSize = 1,
        }))
        {
            completed.Add(instance.InstanceId);
        }

        Assert.Equal(["job-1", "job-2"], completed.Order());

        var purgedOne = await client.PurgeInstanceAsync(quick, cancellation: Ct);
        var purgedRunning = await client.PurgeInstanceAsync(running, cancellation: Ct);
        var purgedRest = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(Statuses: [OrchestrationRuntimeStatus.Completed]), Ct);

        Assert.Equal(1, purgedOne.PurgedInstanceCount);
        Assert.Equal(0, purgedRunning.PurgedInstanceCount);
        Assert.Equal(1, purgedRest.PurgedInstanceCount);
        Assert.Null(await client.GetInstanceAsync("job-1", Ct));
        Assert.Null(await client.GetInstanceAsync("job-2", Ct));
        Assert.NotNull(await client.GetInstanceAsync("job-3", Ct));
    }

    private static StatusCode? StatusOf(Exception error) => error switch
    {
        RpcException rpc => rpc.StatusCode,
        { InnerException: { } inner } => StatusOf(inner),
        _ => null,
    };
}
