using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Streams;
using Portable.Testing;

namespace Portable.Core.Tests.Streams;

public sealed class StreamInvokerTests
{
    // Record "{partition}{n}" (a1, b2…) with sequence number 100+i; its data is its name.
    private static StreamRecord[] Batch(params string[] names) =>
        [.. names.Select((name, i) => new StreamRecord
        {
            PartitionKey = name[..1],
            SequenceNumber = (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Data = Encoding.UTF8.GetBytes(name),
            Source = "orders-stream",
        })];

    private static string Name(StreamRecord record) => Encoding.UTF8.GetString(record.Data.Span);

    private static FunctionManifest Stream(StreamHandler handler) =>
        new FunctionManifestBuilder().AddStreamFunction("fn", "orders-stream", handler).AddQueue("q", "orders", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build();

    private static StreamInvoker Invoker(FunctionTestHost host) => host.Services.GetRequiredService<StreamInvoker>();

    private static ValueTask<StreamBatchResult> RunAsync(FunctionTestHost host, IReadOnlyList<StreamRecord> batch, InvocationInfo info = default) =>
        Invoker(host).InvokeAsync(Invoker(host).GetFunction("fn"), batch, info, CancellationToken.None);

    [Fact]
    public async Task InvokeAsync_AllSucceed_RunsEveryRecordInBatchOrder()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Stream((r, _, _) =>
        {
            seen.Add(Name(r));
            return ValueTask.CompletedTask;
        }));

        var result = await RunAsync(host, Batch("a1", "b1", "a2", "b2"));

        Assert.Equal(["a1", "b1", "a2", "b2"], seen);
        Assert.True(result.IsSettled);
        Assert.Empty(result.FirstFailures);
        Assert.All(result.Settlements, s => Assert.Equal(StreamRecordOutcome.Success, s.Outcome));
        Assert.Equal(["100", "101", "102", "103"], result.Settlements.Select(s => s.SequenceNumber));
    }

    [Fact]
    public async Task InvokeAsync_RecordFails_StopsItsPartitionAndTheOtherGoesOn()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Stream((r, _, _) =>
        {
            seen.Add(Name(r));
            return Name(r) == "a2" ? throw new TimeoutException("store slow") : ValueTask.CompletedTask;
        }));

        var result = await RunAsync(host, Batch("a1", "b1", "a2", "b2", "a3", "b3"));

        Assert.Equal(["a1", "b1", "a2", "b2", "b3"], seen);
        Assert.Equal(
            [StreamRecordOutcome.Success, StreamRecordOutcome.Success, StreamRecordOutcome.Failed, StreamRecordOutcome.Success, StreamRecordOutcome.NotAttempted, StreamRecordOutcome.Success],
            result.Settlements.Select(s => s.Outcome));
        var failure = Assert.Single(result.FirstFailures);
        Assert.Equal(("a", "102"), (failure.PartitionKey, failure.SequenceNumber));
        Assert.Contains("TimeoutException: store slow", failure.Reason, StringComparison.Ordinal);
        Assert.Contains("record 102", result.Settlements[4].Reason, StringComparison.Ordinal);
        Assert.False(result.IsSettled);
    }

    [Fact]
    public async Task InvokeAsync_TwoPartitionsFail_NamesTheFirstFailureOfEachInBatchOrder()
    {
        using var host = new FunctionTestHost(Stream((r, _, _) =>
            Name(r) is "b1" or "a2" or "a3" ? throw new InvalidOperationException("down") : ValueTask.CompletedTask));

        var result = await RunAsync(host, Batch("a1", "b1", "a2", "b2", "a3"));

        Assert.Equal([("b", "101"), ("a", "102")], result.FirstFailures.Select(f => (f.PartitionKey, f.SequenceNumber)));
        Assert.Equal(StreamRecordOutcome.NotAttempted, result.Settlements[3].Outcome);
        Assert.Equal(StreamRecordOutcome.NotAttempted, result.Settlements[4].Outcome);
    }

    [Fact]
    public async Task InvokeAsync_PermanentFailure_DeadLettersTheRecordAndItsPartitionGoesOn()
    {
        var seen = new List<string>();
        using var host = new FunctionTestHost(Stream((r, _, _) =>
        {
            seen.Add(Name(r));
            return Name(r) == "a1" ? throw new PermanentFailureException("a1 is bad data") : ValueTask.CompletedTask;
        }));

        var result = await RunAsync(host, Batch("a1", "a2"));

        Assert.Equal(["a1", "a2"], seen);
        Assert.True(result.IsSettled);
        Assert.Equal([StreamRecordOutcome.DeadLettered, StreamRecordOutcome.Success], result.Settlements.Select(s => s.Outcome));
        var (message, reason) = Assert.Single(host.DeadLetters.Received);
        Assert.Equal("100", message.Id);
        Assert.Equal("orders-stream", message.Source);
        Assert.Equal("a", message.OrderingKey);
        Assert.Equal("a1", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal("a1 is bad data", reason);
    }

    [Fact]
    public async Task InvokeAsync_DeadLetterSinkRefuses_TheRecordFailsAndStopsItsPartition()
    {
        using var host = new FunctionTestHost(
            Stream((r, _, _) => Name(r) == "a1" ? throw new PermanentFailureException("bad") : ValueTask.CompletedTask),
            services => services.AddSingleton<IDeadLetterSink>(new UnconfiguredDeadLetterSink()));

        var result = await RunAsync(host, Batch("a1", "a2", "b1"));

        Assert.Equal([StreamRecordOutcome.Failed, StreamRecordOutcome.NotAttempted, StreamRecordOutcome.Success], result.Settlements.Select(s => s.Outcome));
        Assert.StartsWith("Could not dead-letter (bad)", Assert.Single(result.FirstFailures).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_DeadlineAlreadyPassed_AttemptsNothingAndNamesTheFirstRecordOfEachPartition()
    {
        var runs = 0;
        using var host = new FunctionTestHost(Stream((_, _, _) =>
        {
            runs++;
            return ValueTask.CompletedTask;
        }));

        var result = await RunAsync(host, Batch("a1", "b1", "a2"), new InvocationInfo("req-1", host.Clock.GetUtcNow().AddSeconds(-1)));

        Assert.Equal(0, runs);
        Assert.All(result.Settlements, s => Assert.Equal(StreamRecordOutcome.NotAttempted, s.Outcome));
        Assert.Equal(["100", "101"], result.FirstFailures.Select(f => f.SequenceNumber));
    }

    [Fact]
    public async Task InvokeAsync_HandlerSeesTheRecordAndAnInvocationIdPerRecord()
    {
        var ids = new List<string>();
        using var host = new FunctionTestHost(Stream((r, context, _) =>
        {
            Assert.Same(r, context.Input);
            ids.Add(context.InvocationId);
            return ValueTask.CompletedTask;
        }));

        await RunAsync(host, Batch("a1", "a2"), new InvocationInfo("req-1"));

        Assert.Equal(["req-1/100", "req-1/101"], ids);
    }

    [Fact]
    public async Task InvokeAsync_QueueFunction_Throws()
    {
        using var host = new FunctionTestHost(Stream((_, _, _) => ValueTask.CompletedTask));
        var queue = host.Manifest.Find("q")!;

        await Assert.ThrowsAsync<ArgumentException>(async () => await Invoker(host).InvokeAsync(queue, Batch("a1"), default, CancellationToken.None));
        Assert.Throws<ArgumentException>(() => Invoker(host).GetFunction("q"));
    }

    [Fact]
    public void FindByStream_FindsTheFunctionFedByTheStreamOnly()
    {
        using var host = new FunctionTestHost(Stream((_, _, _) => ValueTask.CompletedTask));

        Assert.Equal("fn", Invoker(host).FindByStream("orders-stream")?.Name);
        Assert.Null(Invoker(host).FindByStream("orders"));
    }
}
