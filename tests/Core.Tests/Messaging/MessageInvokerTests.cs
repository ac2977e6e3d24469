using System.Collections.Concurrent;
using System.Text;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Portable.Testing;
using static Portable.Core.Tests.Messaging.TestQueue;

namespace Portable.Core.Tests.Messaging;

public sealed class MessageInvokerTests
{
    private static IncomingMessage[] Batch(int count) =>
        [.. Enumerable.Range(0, count).Select(i => Message($"m{i}", $$"""{"n":{{i}}}"""))];

    private static int Index(IncomingMessage message) => int.Parse(message.Id.AsSpan(1), provider: null);

    [Fact]
    public async Task InvokeAsync_SequentialBatch_RunsEveryMessageInOrder()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Queue((m, _, _) =>
        {
            seen.Add(m.Id);
            return ValueTask.FromResult(MessageResult.Success);
        }));

        var settlements = await host.DeliverAsync("fn", Batch(5));

        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], seen);
        Assert.All(settlements, s => Assert.Equal(MessageOutcome.Success, s.Outcome));
        Assert.Equal(seen, settlements.Select(s => s.MessageId));
    }

    [Fact]
    public async Task InvokeAsync_Sequential_NeverOverlapsTwoMessages()
    {
        var current = 0;
        var max = 0;
        using var host = new FunctionTestHost(Queue(async (_, _, _) =>
        {
            max = Math.Max(max, Interlocked.Increment(ref current));
            await Task.Yield();
            Interlocked.Decrement(ref current);
            return MessageResult.Success;
        }));

        await host.DeliverAsync("fn", Batch(10));

        Assert.Equal(1, max);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public async Task InvokeAsync_Parallel_RunsAtMostMaxDegreeOfParallelismAtOnce(int degree)
    {
        var current = 0;
        var max = 0;
        var entered = 0;
        var full = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = new FunctionTestHost(Queue(
            async (_, _, _) =>
            {
                var now = Interlocked.Increment(ref current);
                InterlockedMax(ref max, now);
                if (Interlocked.Increment(ref entered) == degree)
                {
                    full.TrySetResult();
                }

                // Hold the first arrivals until the pool is full, so the bound is actually reached.
                await full.Task;
                for (var i = 0; i < 5; i++)
                {
                    await Task.Yield();
                }

                Interlocked.Decrement(ref current);
                return MessageResult.Success;
            },
            new QueueTriggerOptions { MaxDegreeOfParallelism = degree }));

        var settlements = await host.DeliverAsync("fn", Batch(30));

        Assert.Equal(degree, max);
        Assert.Equal(30, entered);
        Assert.All(settlements, s => Assert.Equal(MessageOutcome.Success, s.Outcome));
    }

    [Fact]
    public async Task InvokeAsync_Parallel_SettlementsFollowBatchOrderNotCompletionOrder()
    {
        const int count = 6;
        var done = Enumerable.Range(0, count).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var completed = new ConcurrentQueue<string>();
        using var host = new FunctionTestHost(Queue(
            async (m, _, _) =>
            {
                // Message i finishes only after message i+1: completion order is the reverse of batch order.
                var i = Index(m);
                if (i + 1 < count)
                {
                    await done[i + 1].Task;
                }

                completed.Enqueue(m.Id);
                done[i].SetResult();
                return i % 2 == 0 ? MessageResult.Success : MessageResult.Retry($"odd {i}");
            },
            new QueueTriggerOptions { MaxDegreeOfParallelism = count }));

        var settlements = await host.DeliverAsync("fn", Batch(count));

        Assert.Equal(["m5", "m4", "m3", "m2", "m1", "m0"], completed);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4", "m5"], settlements.Select(s => s.MessageId));
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(i % 2 == 0 ? MessageOutcome.Success : MessageOutcome.Retry, settlements[i].Outcome);
            Assert.Equal(i % 2 == 0 ? null : $"odd {i}", settlements[i].Reason);
        }
    }

    [Fact]
    public async Task InvokeAsync_FifoTransientFailure_StopsBatchAndReportsItAndEverythingAfterAsRetry()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Queue(
            (m, _, _) =>
            {
                seen.Add(m.Id);
                return m.Id == "m2" ? throw new TimeoutException("store slow") : ValueTask.FromResult(MessageResult.Success);
            },
            new QueueTriggerOptions { Fifo = true }));

        var settlements = await host.DeliverAsync("fn", Batch(5));

        Assert.Equal(["m0", "m1", "m2"], seen);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], settlements.Select(s => s.MessageId));
        Assert.Equal(
            [MessageOutcome.Success, MessageOutcome.Success, MessageOutcome.Retry, MessageOutcome.Retry, MessageOutcome.Retry],
            settlements.Select(s => s.Outcome));
        Assert.Contains("store slow", settlements[2].Reason, StringComparison.Ordinal);
        Assert.Contains("Not attempted", settlements[3].Reason, StringComparison.Ordinal);
        Assert.Contains("Not attempted", settlements[4].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_FifoDeadLetter_DeadLettersItAndRetriesEverythingAfter()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Queue(
            (m, _, _) =>
            {
                seen.Add(m.Id);
                return ValueTask.FromResult(m.Id == "m1" ? MessageResult.DeadLetter("bad order") : MessageResult.Success);
            },
            new QueueTriggerOptions { Fifo = true }));

        var settlements = await host.DeliverAsync("fn", Batch(4));

        Assert.Equal(["m0", "m1"], seen);
        Assert.Equal(
            [MessageOutcome.Success, MessageOutcome.DeadLetter, MessageOutcome.Retry, MessageOutcome.Retry],
            settlements.Select(s => s.Outcome));
        Assert.Equal("m1", Assert.Single(host.DeadLetters.Received).Message.Id);
    }

    // Message i in group groups[i].
    private static IncomingMessage[] Grouped(params string[] groups) =>
        [.. groups.Select((group, i) => (Message($"m{i}", "{}") with { OrderingKey = group }))];

    [Fact]
    public async Task InvokeAsync_FifoTwoGroups_FailureStopsOnlyItsGroup()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Queue(
            (m, _, _) =>
            {
                seen.Add(m.Id);
                return m.Id == "m1" ? throw new TimeoutException("store slow") : ValueTask.FromResult(MessageResult.Success);
            },
            new QueueTriggerOptions { Fifo = true }));

        var settlements = await host.DeliverAsync("fn", Grouped("a", "a", "b", "a", "b"));

        Assert.Equal(["m0", "m1", "m2", "m4"], seen); // m3 waits behind m1 in group a; group b goes on
        Assert.Equal(
            [MessageOutcome.Success, MessageOutcome.Retry, MessageOutcome.Success, MessageOutcome.Retry, MessageOutcome.Success],
            settlements.Select(s => s.Outcome));
        Assert.Contains("FIFO group 'a'", settlements[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_FifoSourceWithParallelism_RunsGroupsAtOnceButEachInOrder()
    {
        // Not declared FIFO (so parallelism is allowed), but the adapter says the source is: groups run side by side.
        var order = new ConcurrentQueue<string>();
        var bothStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = 0;
        using var host = new FunctionTestHost(Queue(
            async (m, _, token) =>
            {
                if (m.Id is "m0" or "m1" && Interlocked.Increment(ref started) == 2)
                {
                    bothStarted.SetResult();
                }

                if (m.Id is "m0" or "m1")
                {
                    await bothStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), token); // only when two groups run at once
                }

                order.Enqueue(m.Id);
                return m.Id == "m2" ? MessageResult.Retry("no") : MessageResult.Success;
            },
            new QueueTriggerOptions { MaxDegreeOfParallelism = 2 }));
        var invoker = host.MessageInvoker;

        var settlements = await invoker.InvokeAsync(invoker.GetFunction("fn"), Grouped("a", "b", "a", "b", "a"), fifo: true, default, CancellationToken.None);

        Assert.Equal(["m0", "m2"], order.Where(id => id is "m0" or "m2" or "m4")); // group a in order, m4 not run after m2 failed
        Assert.Equal(["m1", "m3"], order.Where(id => id is "m1" or "m3"));
        Assert.Equal(
            [MessageOutcome.Success, MessageOutcome.Success, MessageOutcome.Retry, MessageOutcome.Success, MessageOutcome.Retry],
            settlements.Select(s => s.Outcome));
    }

    [Fact]
    public async Task InvokeAsync_NotFifo_FailureDoesNotStopTheBatch()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Queue((m, _, _) =>
        {
            seen.Add(m.Id);
            return m.Id == "m1" ? throw new InvalidOperationException("boom") : ValueTask.FromResult(MessageResult.Success);
        }));

        var settlements = await host.DeliverAsync("fn", Batch(4));

        Assert.Equal(["m0", "m1", "m2", "m3"], seen);
        Assert.Equal(
            [MessageOutcome.Success, MessageOutcome.Retry, MessageOutcome.Success, MessageOutcome.Success],
            settlements.Select(s => s.Outcome));
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_RetryWithExceptionTypeAndMessage()
    {
        using var host = new FunctionTestHost(Queue(async (_, _, _) =>
        {
            await Task.Yield();
            throw new HttpRequestException("connection reset");
        }));

        var settlement = await host.DeliverOneAsync("fn", Message("a", "{}"));

        Assert.Equal(MessageOutcome.Retry, settlement.Outcome);
        Assert.Equal("HttpRequestException: connection reset", settlement.Reason);
        Assert.Empty(host.DeadLetters.Received);
        Assert.Contains(host.Logs.Entries, e => e.Exception is HttpRequestException);
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrowsSynchronously_Retry()
    {
        using var host = new FunctionTestHost(Queue((_, _, _) => throw new InvalidOperationException("sync")));

        var settlement = await host.DeliverOneAsync("fn", Message("a", "{}"));

        Assert.Equal(MessageOutcome.Retry, settlement.Outcome);
        Assert.Contains("sync", settlement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_HandlerReturnsRetry_RetryWithItsReasonAndNoDeadLetter()
    {
        using var host = new FunctionTestHost(Queue((_, _, _) => ValueTask.FromResult(MessageResult.Retry("downstream 503"))));

        var settlement = await host.DeliverOneAsync("fn", Message("a", "{}"));

        Assert.Equal(new MessageSettlement("a", MessageOutcome.Retry, "downstream 503"), settlement);
        Assert.Empty(host.DeadLetters.Received);
    }

    [Fact]
    public async Task InvokeAsync_PermanentFailureException_DeadLettersThroughSinkWithReason()
    {
        using var host = new FunctionTestHost(Queue((_, _, _) => throw new PermanentFailureException("customer 42 does not exist")));
        var message = Message("a", """{"customer":42}""", deliveryCount: 2);

        var settlement = await host.DeliverOneAsync("fn", message);

        Assert.Equal(new MessageSettlement("a", MessageOutcome.DeadLetter, "customer 42 does not exist"), settlement);
        var (dead, reason) = Assert.Single(host.DeadLetters.Received);
        Assert.Same(message, dead);
        Assert.Equal("customer 42 does not exist", reason);
    }

    [Fact]
    public async Task InvokeAsync_HandlerReturnsDeadLetter_DeadLettersThroughSinkWithReason()
    {
        using var host = new FunctionTestHost(Queue((_, _, _) => ValueTask.FromResult(MessageResult.DeadLetter("schema v1 is no longer accepted"))));

        var settlement = await host.DeliverOneAsync("fn", Message("a", "{}"));

        Assert.Equal(MessageOutcome.DeadLetter, settlement.Outcome);
        Assert.Equal("schema v1 is no longer accepted", Assert.Single(host.DeadLetters.Received).Reason);
    }

    [Fact]
    public async Task InvokeAsync_DeadLetterSinkFails_MessageIsRetriedNotLost()
    {
        using var host = new FunctionTestHost(Queue((m, _, _) =>
            ValueTask.FromResult(m.Id == "bad" ? MessageResult.DeadLetter("bad data") : MessageResult.Success)));
        host.DeadLetters.FailWith = new IOException("dead-letter queue unreachable");

        var settlements = await host.DeliverAsync("fn", Message("ok", "{}"), Message("bad", "{}"));

        Assert.Equal(MessageOutcome.Success, settlements[0].Outcome);
        Assert.Equal(MessageOutcome.Retry, settlements[1].Outcome);
        Assert.Contains("bad data", settlements[1].Reason, StringComparison.Ordinal);
        Assert.Contains("dead-letter queue unreachable", settlements[1].Reason, StringComparison.Ordinal);

        // The sink is back: the redelivery is dead-lettered (the failed attempt released its idempotency claim).
        host.DeadLetters.FailWith = null;
        var redelivered = await host.DeliverOneAsync("fn", Message("bad", "{}", deliveryCount: 2));
        Assert.Equal(MessageOutcome.DeadLetter, redelivered.Outcome);
        Assert.Equal("bad", Assert.Single(host.DeadLetters.Received).Message.Id);
    }

    [Fact]
    public async Task InvokeAsync_NoSinkConfigured_PermanentFailureGoesBackToThePlatform()
    {
        using var host = new FunctionTestHost(Queue((_, _, _) => throw new PermanentFailureException("bad")), configure: o => o.Services = s => s.AddSingleton<IDeadLetterSink>(new UnconfiguredDeadLetterSink()));

        var settlement = await host.DeliverOneAsync("fn", Message("a", "{}"));

        Assert.Equal(MessageOutcome.Retry, settlement.Outcome);
        Assert.Contains("no dead-letter sink", settlement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DeadlinePassesMidBatch_RemainingMessagesRetriedNotRun()
    {
        var seen = new List<string>();
        FunctionTestHost? harness = null;
        using var host = harness = new FunctionTestHost(Queue((m, _, _) =>
        {
            // The first message is slow: the invocation's deadline passes while it runs (its result still counts).
            seen.Add(m.Id);
            harness!.Clock.Advance(TimeSpan.FromSeconds(31));
            return ValueTask.FromResult(MessageResult.Success);
        }));
        var info = new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(30));

        var settlements = await host.DeliverAsync("fn", Batch(4), info);

        Assert.Equal(["m0"], seen);
        Assert.Equal(["m0", "m1", "m2", "m3"], settlements.Select(s => s.MessageId));
        Assert.Equal(MessageOutcome.Success, settlements[0].Outcome);
        Assert.All(settlements.Skip(1), s =>
        {
            Assert.Equal(MessageOutcome.Retry, s.Outcome);
            Assert.Contains("deadline", s.Reason, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task InvokeAsync_ParallelDeadlinePasses_UnstartedMessagesRetriedNotRun()
    {
        var seen = new ConcurrentQueue<string>();
        var m1Running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var advanced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FunctionTestHost? harness = null;
        using var host = harness = new FunctionTestHost(Queue(
            async (m, _, _) =>
            {
                seen.Enqueue(m.Id);
                if (m.Id == "m0")
                {
                    // m0 is slow: the deadline passes while it runs, once m1 is running beside it.
                    await m1Running.Task;
                    harness!.Clock.Advance(TimeSpan.FromSeconds(31));
                    advanced.SetResult();
                }
                else
                {
                    m1Running.TrySetResult();
                    await advanced.Task;
                }

                return MessageResult.Success;
            },
            new QueueTriggerOptions { MaxDegreeOfParallelism = 2 }));
        var info = new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(30));

        var settlements = await host.DeliverAsync("fn", Batch(10), info);

        // m0 and m1 were running when the deadline passed; nothing was started after it.
        Assert.Equal(["m0", "m1"], seen.Order(StringComparer.Ordinal));
        Assert.Equal(
            [MessageOutcome.Success, MessageOutcome.Success, .. Enumerable.Repeat(MessageOutcome.Retry, 8)],
            settlements.Select(s => s.Outcome));
    }

    [Fact]
    public async Task InvokeAsync_DeadlinePassesWhileHandlerWaits_HandlerCancelledAndRetried()
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        FunctionTestHost? harness = null;
        using var host = harness = new FunctionTestHost(Queue(async (_, context, ct) =>
        {
            Assert.Equal(ct, context.CancellationToken);
            entered.SetResult();
            await Task.Delay(Timeout.InfiniteTimeSpan, ct);
            return MessageResult.Success;
        }));
        var info = new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(30));

        var pending = host.DeliverAsync("fn", [Message("a", "{}")], info).AsTask();
        await entered.Task;
        host.Clock.Advance(TimeSpan.FromSeconds(30));
        var settlement = Assert.Single(await pending);

        Assert.Equal(MessageOutcome.Retry, settlement.Outcome);
        Assert.Contains("deadline", settlement.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DeadlineAlreadyPassed_NothingRunsEverythingRetried()
    {
        var calls = 0;
        using var host = new FunctionTestHost(Queue((_, _, _) =>
        {
            calls++;
            return ValueTask.FromResult(MessageResult.Success);
        }));
        var info = new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(-1));

        var settlements = await host.DeliverAsync("fn", Batch(3), info);

        Assert.Equal(0, calls);
        Assert.All(settlements, s => Assert.Equal(MessageOutcome.Retry, s.Outcome));
    }

    [Fact]
    public async Task InvokeAsync_HostShutsDown_ThrowsAndReleasesTheClaimSoTheRedeliveryRuns()
    {
        var calls = 0;
        using var shutdown = new CancellationTokenSource();
        using var host = new FunctionTestHost(Queue(async (_, _, ct) =>
        {
            if (++calls == 1)
            {
                await shutdown.CancelAsync();
                ct.ThrowIfCancellationRequested();
            }

            return MessageResult.Success;
        }));
        var function = host.MessageInvoker.GetFunction("fn");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            host.MessageInvoker.InvokeAsync(function, [Message("a", "{}"), Message("b", "{}")], default, shutdown.Token).AsTask());
        var redelivered = await host.DeliverOneAsync("fn", Message("a", "{}", deliveryCount: 2));

        Assert.Equal(MessageOutcome.Success, redelivered.Outcome);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task InvokeAsync_IdempotencyKeySelectorThrows_RetriedWithoutRunningTheHandler()
    {
        var calls = 0;
        using var host = new FunctionTestHost(Queue(
            (_, _, _) =>
            {
                calls++;
                return ValueTask.FromResult(MessageResult.Success);
            },
            new QueueTriggerOptions { IdempotencyKey = _ => throw new FormatException("no key") }));

        var settlement = await host.DeliverOneAsync("fn", Message("a", "{}"));

        Assert.Equal(MessageOutcome.Retry, settlement.Outcome);
        Assert.Contains("no key", settlement.Reason, StringComparison.Ordinal);
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task InvokeAsync_FirstInvocation_IsColdStartForItsFirstMessageOnly()
    {
        var flags = new List<(string Id, bool Cold)>();
        using var host = new FunctionTestHost(Queue((m, context, _) =>
        {
            flags.Add((m.Id, context.IsColdStart));
            return ValueTask.FromResult(MessageResult.Success);
        }));

        await host.DeliverAsync("fn", Message("a", "{}"), Message("b", "{}"));
        await host.DeliverAsync("fn", Message("c", "{}"));

        Assert.Equal([("a", true), ("b", false), ("c", false)], flags);
    }

    [Fact]
    public async Task InvokeAsync_Context_CarriesMessageFacts()
    {
        FunctionContext? seen = null;
        using var host = new FunctionTestHost(Queue((_, context, _) =>
        {
            seen = context;
            return ValueTask.FromResult(MessageResult.Success);
        }));
        const string traceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        var message = Message("m-1", "{}", deliveryCount: 3, attributes: new Dictionary<string, string> { ["traceparent"] = traceParent });
        var deadline = host.Clock.GetUtcNow().AddMinutes(1);

        await host.DeliverAsync("fn", [message], new InvocationInfo("inv-9", deadline, "00-11111111111111111111111111111111-2222222222222222-01"));

        Assert.NotNull(seen);
        Assert.Equal("inv-9/m-1", seen.InvocationId);
        Assert.Equal("fn", seen.FunctionName);
        Assert.Equal(3, seen.DeliveryCount);
        Assert.Equal(deadline, seen.Deadline);
        Assert.Equal(traceParent, seen.TraceParent);
        Assert.Same(message, seen.Input);
    }

    [Fact]
    public async Task InvokeAsync_EmptyBatch_ReturnsNoSettlements()
    {
        using var host = new FunctionTestHost(Queue((_, _, _) => throw new InvalidOperationException("never called")));
        Assert.Empty(await host.DeliverAsync("fn"));
    }

    [Fact]
    public void FindByQueue_KnownAndUnknownQueue()
    {
        using var host = new FunctionTestHost(Queue((_, _, _) => ValueTask.FromResult(MessageResult.Success)));
        Assert.Equal("fn", host.MessageInvoker.FindByQueue("orders")?.Name);
        Assert.Null(host.MessageInvoker.FindByQueue("payments"));
        Assert.Throws<ArgumentException>(() => host.MessageInvoker.GetFunction("nope"));
    }

    [Fact]
    public void QueueTriggerOptions_FifoWithParallelism_IsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new QueueTriggerOptions { Fifo = true, MaxDegreeOfParallelism = 2 }.Validate());
        Assert.Equal(nameof(QueueTriggerOptions.MaxDegreeOfParallelism), error.ParamName);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(10_001, 1)]
    [InlineData(10, 0)]
    public void QueueTriggerOptions_OutOfRange_IsRejected(int batchSize, int parallelism) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => new QueueTriggerOptions { BatchSize = batchSize, MaxDegreeOfParallelism = parallelism }.Validate());

    [Theory]
    [InlineData("Orders")]
    [InlineData("orders_v2")]
    [InlineData("")]
    public void AddQueue_InvalidQueueName_IsRejected(string queue) =>
        Assert.ThrowsAny<ArgumentException>(() => new FunctionManifestBuilder().AddQueue("fn", queue, (_, _, _) => ValueTask.FromResult(MessageResult.Success)));

    [Fact]
    public async Task PublishingDeadLetterSink_PublishesToCompanionQueueWithReasonAndOrigin()
    {
        var publisher = new RecordingPublisher();
        var sink = new PublishingDeadLetterSink(publisher, "-dlq");
        var message = Message("m-7", """{"x":1}""", deliveryCount: 4, attributes: new Dictionary<string, string> { ["traceparent"] = "tp" });

        await sink.DeadLetterAsync(message, "bad x");

        var (destination, sent) = Assert.Single(publisher.Sent);
        Assert.Equal("orders-dlq", destination);
        Assert.Equal("""{"x":1}""", Encoding.UTF8.GetString(sent.Body.Span));
        Assert.Equal("m-7", sent.MessageId);
        Assert.NotNull(sent.Attributes);
        Assert.Equal("bad x", sent.Attributes[PublishingDeadLetterSink.ReasonAttribute]);
        Assert.Equal("m-7", sent.Attributes[PublishingDeadLetterSink.OriginalIdAttribute]);
        Assert.Equal("orders", sent.Attributes[PublishingDeadLetterSink.SourceAttribute]);
        Assert.Equal("4", sent.Attributes[PublishingDeadLetterSink.DeliveryCountAttribute]);
        Assert.Equal("tp", sent.Attributes["traceparent"]);
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

    private sealed class RecordingPublisher : IMessagePublisher
    {
        public List<(string Destination, OutgoingMessage Message)> Sent { get; } = [];

        public ValueTask<string> PublishAsync(string destination, OutgoingMessage message, CancellationToken cancellationToken = default)
        {
            Sent.Add((destination, message));
            return ValueTask.FromResult("id-" + Sent.Count);
        }
    }
}
