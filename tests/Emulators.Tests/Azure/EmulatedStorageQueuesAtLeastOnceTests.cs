using System.Collections.Concurrent;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

/// <summary>
/// The emulated Storage queues' at-least-once knob (<see cref="Portable.Emulators.Azure.Isolated.IsolatedFunctionsHostOptions.QueueDuplicateDeliveryRate"/>)
/// and parallel delivery (<see cref="Portable.Emulators.Azure.Isolated.IsolatedFunctionsHostOptions.QueueBatchSize"/>), against a stand-in worker that succeeds.
/// </summary>
public sealed class EmulatedStorageQueuesAtLeastOnceTests
{
    private readonly ConcurrentQueue<(string Id, int DequeueCount)> _received = new();
    private int _inFlight;
    private int _maxInFlight;
    private TaskCompletionSource? _together;
    private int _togetherCount;

    private async Task<int> InvokeAsync(EmulatedQueueMessage message)
    {
        var now = Interlocked.Increment(ref _inFlight);
        InterlockedMax(ref _maxInFlight, now);
        _received.Enqueue((message.Id, message.DequeueCount));
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
        return 200;
    }

    [Fact]
    public async Task DuplicateDeliveryRate_SomeCompletedMessagesComeBackOnceWithTheSameId()
    {
        var queues = Create(duplicateRate: 0.3, seed: 7, batchSize: 1);
        var ids = Enumerable.Range(0, 200).Select(i => queues.Enqueue("orders", $"m{i}")).ToList();

        var made = await queues.DeliverVisibleAsync();

        Assert.Empty(queues.Messages("orders"));
        Assert.Empty(queues.PoisonMessages("orders"));
        var dropped = made.Where(d => d.AcknowledgementDropped).ToList();
        Assert.Equal(queues.DuplicatedCount, dropped.Count);
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
            var queues = Create(rate, seed, batchSize: 1);
            var ids = Enumerable.Range(0, 100).Select(i => queues.Enqueue("orders", $"m{i}")).ToList();
            var made = await queues.DeliverVisibleAsync();
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
        var queues = Create(duplicateRate: 0, seed: 0, batchSize: 4);
        var ids = Enumerable.Range(0, 12).Select(i => queues.Enqueue("orders", $"m{i}")).ToList();

        var made = await queues.DeliverVisibleAsync();

        Assert.Equal(4, Volatile.Read(ref _maxInFlight)); // the first four were held until all four were in flight
        Assert.Equal(ids.Order(), made.Select(d => d.MessageId).Order());
        Assert.All(made, d => Assert.Equal(QueueDeliveryOutcome.Completed, d.Outcome));
        Assert.Empty(queues.Messages("orders"));
    }

    private EmulatedStorageQueues Create(double duplicateRate, int seed, int batchSize) =>
        StorageQueuesUnderTest.Create((_, _, message) => InvokeAsync(message), batchSize: batchSize, duplicateRate: duplicateRate, seed: seed);

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
