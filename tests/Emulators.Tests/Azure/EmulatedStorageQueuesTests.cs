using System.Collections.Concurrent;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

/// <summary>The emulator's Storage queues against a stand-in worker that records each invocation and answers a chosen status.</summary>
public sealed class EmulatedStorageQueuesTests
{
    private readonly ConcurrentQueue<(string Function, string Binding, EmulatedQueueMessage Message)> _received = new();
    private int _status = 200;

    private EmulatedStorageQueues Create() => StorageQueuesUnderTest.Create((function, binding, message) =>
    {
        _received.Enqueue((function, binding, message));
        return Task.FromResult(_status);
    });

    [Fact]
    public async Task DeliverVisibleAsync_OneMessage_InvokesItsFunctionWithTheTextAndTheFirstDequeue()
    {
        var queues = Create();
        var id = queues.Enqueue("orders", "{\"order\":1}");

        var delivery = Assert.Single(await queues.DeliverVisibleAsync());

        Assert.Equal(new QueueDelivery("worker", "orders", id, 1, 200, false, QueueDeliveryOutcome.Completed), delivery);
        var (function, binding, message) = Assert.Single(_received);
        Assert.Equal(("worker", "item", "{\"order\":1}", 1, id), (function, binding, message.Text, message.DequeueCount, message.Id));
        Assert.False(string.IsNullOrEmpty(message.PopReceipt));
        Assert.Empty(queues.Messages("orders"));
    }

    [Fact]
    public async Task DeliverVisibleAsync_WorkerAlwaysFails_FiveDequeuesThenPoison()
    {
        _status = 500;
        var queues = Create();
        queues.Enqueue("orders", "boom");

        var deliveries = await queues.DeliverVisibleAsync();

        Assert.Equal([1, 2, 3, 4, 5], deliveries.Select(d => d.DequeueCount));
        Assert.Equal(QueueDeliveryOutcome.Poisoned, deliveries[^1].Outcome);
        Assert.Equal("boom", Assert.Single(queues.PoisonMessages("orders")).Text);
        Assert.Equal(["orders"], queues.TriggeredQueues);
    }

    [Fact]
    public async Task DeliverVisibleAsync_MessageOnAnUntriggeredQueue_LeftAlone()
    {
        var queues = Create();
        queues.Enqueue("elsewhere", "x");

        Assert.Empty(await queues.DeliverVisibleAsync());
        Assert.Single(queues.Messages("elsewhere"));
    }
}
