using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Portable.Emulators;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

/// <summary>
/// The emulated Storage queues' at-least-once knob (<see cref="FunctionsHostEmulatorOptions.QueueDuplicateDeliveryRate"/>)
/// and parallel delivery (<see cref="FunctionsHostEmulatorOptions.QueueBatchSize"/>), against a fake handler that answers 200.
/// </summary>
public sealed class EmulatedStorageQueuesAtLeastOnceTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("portable-queue-duplicates-").FullName;
    private readonly ConcurrentQueue<(string Id, int DequeueCount)> _received = new();
    private WebApplication _handler = null!;
    private int _inFlight;
    private int _maxInFlight;
    private TaskCompletionSource? _together;
    private int _togetherCount;

    public async Task InitializeAsync()
    {
        _handler = LoopbackServer.Create("Portable.Emulators.Tests.FakeEndpoint");
        _handler.Run(async context =>
        {
            if (context.Request.Path != "/")
            {
                var now = Interlocked.Increment(ref _inFlight);
                InterlockedMax(ref _maxInFlight, now);
                using var reader = new StreamReader(context.Request.Body);
                var body = (JsonObject)JsonNode.Parse(await reader.ReadToEndAsync())!;
                _received.Enqueue((body["Metadata"]!["Id"]!.GetValue<string>(), body["Metadata"]!["DequeueCount"]!.GetValue<int>()));
                if (_together is { } together)
                {
                    if (now >= _togetherCount)
                    {
                        together.TrySetResult();
                    }

                    // Held until the wanted number of invocations are in flight at once (fails after 10 s if they never are).
                    await together.Task.WaitAsync(TimeSpan.FromSeconds(10));
                }

                Interlocked.Decrement(ref _inFlight);
            }

            context.Response.StatusCode = 200;
            await context.Response.WriteAsync("""{"Outputs":{},"Logs":[],"ReturnValue":null}""");
        });
        await _handler.StartAsync();
        File.WriteAllText(Path.Combine(_root, "host.json"), """{"version":"2.0","customHandler":{"description":{"defaultExecutablePath":"not-started"}}}""");
        Directory.CreateDirectory(Path.Combine(_root, "worker"));
        File.WriteAllText(Path.Combine(_root, "worker", "function.json"), """{"bindings":[{"name":"item","type":"queueTrigger","direction":"in","queueName":"orders","connection":"AzureWebJobsStorage"}]}""");
    }

    public async Task DisposeAsync()
    {
        await _handler.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task DuplicateDeliveryRate_SomeCompletedMessagesComeBackOnceWithTheSameId()
    {
        await using var host = await StartAsync(duplicateRate: 0.3, seed: 7, batchSize: 1);
        var ids = Enumerable.Range(0, 200).Select(i => host.Queues.Enqueue("orders", $"m{i}")).ToList();

        var made = await host.Queues.DeliverVisibleAsync();

        Assert.Empty(host.Queues.Messages("orders"));
        Assert.Empty(host.Queues.PoisonMessages("orders"));
        var dropped = made.Where(d => d.AcknowledgementDropped).ToList();
        Assert.Equal(host.Queues.DuplicatedCount, dropped.Count);
        Assert.InRange(dropped.Count, 30, 90); // about 60 of 200
        Assert.Equal(200 + dropped.Count, made.Count);
        foreach (var id in ids)
        {
            var deliveries = made.Where(d => d.MessageId == id).ToList();
            if (dropped.Any(d => d.MessageId == id))
            {
                // The first 2xx was not taken as an acknowledgement; the same message came back, dequeued a second time.
                Assert.Equal([(1, true, QueueDeliveryOutcome.Retried), (2, false, QueueDeliveryOutcome.Completed)], deliveries.Select(d => (d.DequeueCount, d.AcknowledgementDropped, d.Outcome)));
            }
            else
            {
                Assert.Equal((1, false, QueueDeliveryOutcome.Completed), Assert.Single(deliveries.Select(d => (d.DequeueCount, d.AcknowledgementDropped, d.Outcome))));
            }
        }

        Assert.Equal(made.Select(d => (d.MessageId, d.DequeueCount)).Order(), _received.Order());
    }

    [Fact]
    public async Task DuplicateDeliveryRate_SameSeed_SameChoices_AndZeroByDefault()
    {
        async Task<int[]> DroppedPositionsAsync(double rate, int seed)
        {
            await using var host = await StartAsync(rate, seed, batchSize: 1);
            var ids = Enumerable.Range(0, 100).Select(i => host.Queues.Enqueue("orders", $"m{i}")).ToList();
            var made = await host.Queues.DeliverVisibleAsync();
            return [.. made.Where(d => d.AcknowledgementDropped).Select(d => ids.IndexOf(d.MessageId))];
        }

        var first = await DroppedPositionsAsync(0.3, 11);
        Assert.NotEmpty(first);
        Assert.Equal(first, await DroppedPositionsAsync(0.3, 11));
        Assert.Empty(await DroppedPositionsAsync(0, 11));
    }

    [Fact]
    public async Task QueueBatchSize_InvokesThatManyAtOnce_AndDeliversEveryMessage()
    {
        _together = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _togetherCount = 4;
        await using var host = await StartAsync(duplicateRate: 0, seed: 0, batchSize: 4);
        var ids = Enumerable.Range(0, 12).Select(i => host.Queues.Enqueue("orders", $"m{i}")).ToList();

        var made = await host.Queues.DeliverVisibleAsync();

        Assert.Equal(4, Volatile.Read(ref _maxInFlight)); // the first four were held until all four were in flight
        Assert.Equal(ids.Order(), made.Select(d => d.MessageId).Order());
        Assert.All(made, d => Assert.Equal(QueueDeliveryOutcome.Completed, d.Outcome));
        Assert.Empty(host.Queues.Messages("orders"));
    }

    private Task<FunctionsHostEmulator> StartAsync(double duplicateRate, int seed, int batchSize)
    {
        var address = LoopbackServer.BaseAddress(_handler);
        return FunctionsHostEmulator.StartAsync(new FunctionsHostEmulatorOptions
        {
            ScriptRoot = _root,
            ExistingHandler = address,
            QueueDuplicateDeliveryRate = duplicateRate,
            QueueRandomSeed = seed,
            QueueBatchSize = batchSize,
        });
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var seen = Volatile.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
