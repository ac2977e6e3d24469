using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portable.Emulators;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

/// <summary>The emulator's Storage queues against a fake handler that records each invocation and answers a chosen status.</summary>
public sealed class EmulatedStorageQueuesTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("portable-queue-emulator-").FullName;
    private readonly ConcurrentQueue<(string Path, JsonObject Body)> _received = new();
    private WebApplication _handler = null!;
    private int _status = 200;

    public async Task InitializeAsync()
    {
        _handler = LoopbackServer.Create("Portable.Emulators.Tests.FakeEndpoint");
        _handler.Run(async context =>
        {
            if (context.Request.Path != "/")
            {
                using var reader = new StreamReader(context.Request.Body);
                _received.Enqueue((context.Request.Path.Value!, (JsonObject)JsonNode.Parse(await reader.ReadToEndAsync())!));
            }

            context.Response.StatusCode = _status;
            await context.Response.WriteAsync("""{"Outputs":{},"Logs":[],"ReturnValue":null}""");
        });
        await _handler.StartAsync();
        File.WriteAllText(Path.Combine(_root, "host.json"), """{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"not-started"}}}""");
        Directory.CreateDirectory(Path.Combine(_root, "worker"));
        File.WriteAllText(Path.Combine(_root, "worker", "function.json"), """{"bindings":[{"name":"myQueueItem","type":"queueTrigger","direction":"in","queueName":"orders","connection":"AzureWebJobsStorage"}]}""");
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private Task<FunctionsHostEmulator> StartAsync()
    {
        var address = LoopbackServer.BaseAddress(_handler);
        return FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions { ScriptRoot = _root, ExistingHandler = address });
    }

    [Fact]
    public async Task DeliverVisibleAsync_OneMessage_PayloadShapeOfTheHostSample()
    {
        await using var host = await StartAsync();
        var id = host.Queues.Enqueue("orders", "{\"order\":1}");

        var delivery = Assert.Single(await host.Queues.DeliverVisibleAsync());

        Assert.Equal(new QueueDelivery("worker", "orders", id, 1, 200, false, QueueDeliveryOutcome.Completed), delivery);
        var (path, body) = Assert.Single(_received);
        Assert.Equal("/worker", path);
        Assert.Equal("{\"order\":1}", body["Data"]!["myQueueItem"]!.GetValue<string>());
        var metadata = body["Metadata"]!.AsObject();
        Assert.Equal(["DequeueCount", "ExpirationTime", "Id", "InsertionTime", "NextVisibleTime", "PopReceipt", "sys"], metadata.Select(p => p.Key));
        Assert.Equal(1, metadata["DequeueCount"]!.GetValue<int>());
        Assert.Equal(id, metadata["Id"]!.GetValue<string>());
        Assert.Equal("worker", metadata["sys"]!["MethodName"]!.GetValue<string>());
        Assert.Empty(host.Queues.Messages("orders"));
    }

    [Fact]
    public async Task DeliverVisibleAsync_HandlerAlways500_FiveDequeuesThenPoison()
    {
        _status = 500;
        await using var host = await StartAsync();
        host.Queues.Enqueue("orders", "boom");

        var deliveries = await host.Queues.DeliverVisibleAsync();

        Assert.Equal(5, deliveries.Count);
        Assert.Equal(QueueDeliveryOutcome.Poisoned, deliveries[^1].Outcome);
        Assert.Equal("boom", Assert.Single(host.Queues.PoisonMessages("orders")).Text);
        Assert.Equal(["orders"], host.Queues.TriggeredQueues);
    }

    [Fact]
    public async Task DeliverVisibleAsync_MessageOnAnUntriggeredQueue_LeftAlone()
    {
        await using var host = await StartAsync();
        host.Queues.Enqueue("elsewhere", "x");

        Assert.Empty(await host.Queues.DeliverVisibleAsync());
        Assert.Single(host.Queues.Messages("elsewhere"));
    }
}
