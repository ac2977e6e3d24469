using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Streams;
using Portable.Emulators.Aws;
using Portable.Engines;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Aws.Tests.Streams;

/// <summary>
/// A Kinesis stream in kinesalite, read shard by shard by the Kinesis event source emulator, which invokes the real
/// runtime loop (<see cref="LambdaBootstrap"/> serving a stream function) through the Runtime API emulator: order per
/// shard, <c>batchItemFailures</c> by sequence number, a shard held back behind a failing record.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap sets _X_AMZN_TRACE_ID
public sealed class KinesisEventSourceEmulatorTests(KinesaliteFixture kinesalite) : IClassFixture<KinesaliteFixture>, IAsyncLifetime
{
    // The handler's log: every attempt, in the order it ran ("b2!" is a failed attempt at b2).
    private readonly List<string> _attempts = [];
    private readonly Dictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _stream = "orders-" + Guid.NewGuid().ToString("N")[..8];
    private FunctionTestHost _harness = null!;
    private LambdaRuntimeApiEmulator _lambda = null!;
    private RuntimeApiClient _client = null!;
    private KinesisApiClient _kinesis = null!;
    private IReadOnlyList<KinesisShard> _shards = [];
    private Task _loop = Task.CompletedTask;
    private int _crashes; // invocations still to answer on /error before the handler runs

    public async Task InitializeAsync()
    {
        await kinesalite.CreateStreamAsync(_stream, shards: 2);
        _kinesis = kinesalite.Client();
        _shards = await _kinesis.ListShardsAsync(_stream);
        var manifest = new FunctionManifestBuilder()
            .AddStreamFunction("ledger-stream", _stream, (record, _, _) =>
            {
                var name = Encoding.UTF8.GetString(record.Data.Span);
                lock (_attempts)
                {
                    var fail = _failuresLeft.TryGetValue(name, out var left) && left != 0;
                    if (fail)
                    {
                        _failuresLeft[name] = left - 1; // -1 never reaches 0: always fails
                    }

                    _attempts.Add(fail ? name + "!" : name);
                    return fail ? throw new InvalidOperationException($"{name} cannot be applied yet") : ValueTask.CompletedTask;
                }
            })
            .Build();
        _harness = new FunctionTestHost(manifest, configure: o => o.Host = h => h.Cloud = CloudProvider.Aws);
        // Deadlines on the host's clock, so they are ahead of the handler's now whatever the date.
        _lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { FunctionName = "ledger-stream", TimeProvider = _harness.Clock });
        _client = new RuntimeApiClient(_lambda.RuntimeApi);
        var invoker = _harness.Services.GetRequiredService<StreamInvoker>();
        var answer = StreamTriggerMapper.Answer(invoker, invoker.GetFunction("ledger-stream"), NullLogger.Instance);
        LambdaEventHandler crashing = (invocation, token) => Interlocked.Decrement(ref _crashes) >= 0
            ? ValueTask.FromResult(LambdaAnswer.Fail(new LambdaError("Runtime.ExitError", "The runtime crashed before the handler ran.")))
            : answer(invocation, token);
        var bootstrap = new LambdaBootstrap(_client, crashing, NullLogger.Instance);
        _loop = Task.Run(() => bootstrap.RunAsync(_stop.Token));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _lambda.DisposeAsync();
        await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(5)));
        _client.Dispose();
        _kinesis.Dispose();
        _harness.Dispose();
        _stop.Dispose();
    }

    private Task<KinesisEventSourceEmulator> MappingAsync(int maximumRetryAttempts = -1) =>
        KinesisEventSourceEmulator.StartAsync(_lambda, new KinesisEventSourceEmulatorOptions
        {
            Endpoint = kinesalite.Endpoint,
            StreamName = _stream,
            MaximumRetryAttempts = maximumRetryAttempts,
            FunctionTimeout = TimeSpan.FromSeconds(20),
        });

    // Puts each record on the given shard (by an explicit hash key in its range), partition key = its first letter.
    private async Task<Dictionary<string, string>> PutAsync(int shard, params string[] names)
    {
        var sequences = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var (shardId, sequence) = await _kinesis.PutRecordAsync(_stream, name[..1], Encoding.UTF8.GetBytes(name), explicitHashKey: _shards[shard].StartingHashKey);
            Assert.Equal(_shards[shard].ShardId, shardId);
            sequences[name] = sequence;
        }

        return sequences;
    }

    // Polls every shard until a whole round delivers nothing; bounded, so a stuck shard fails the test instead of hanging.
    private static async Task<List<KinesisPollResult>> DrainAsync(KinesisEventSourceEmulator mapping, int maxRounds = 10)
    {
        var polls = new List<KinesisPollResult>();
        for (var round = 0; round < maxRounds; round++)
        {
            var results = await mapping.PollOnceAsync();
            foreach (var result in results)
            {
                Assert.True(result.Invocation is null || result.Invocation.IsSuccess, $"{result.Invocation?.Outcome} {result.Invocation?.ErrorBodyText}");
            }

            polls.AddRange(results.Where(r => r.Delivered.Count > 0));
            if (results.All(r => r.Delivered.Count == 0))
            {
                return polls;
            }
        }

        throw new TimeoutException($"The shards still delivered records after {maxRounds} rounds.");
    }

    private static string[] Reported(KinesisPollResult poll)
    {
        using var json = JsonDocument.Parse(poll.Invocation!.Payload);
        return [.. json.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!)];
    }

    [Fact]
    public async Task TwoShards_RecordFailsTwiceThenSucceeds_OrderKeptPerShardAndTheOtherShardNotHeldBack()
    {
        var a = await PutAsync(0, "a1", "a2", "a3", "a4");
        var b = await PutAsync(1, "b1", "b2", "b3", "b4");
        _failuresLeft["b2"] = 2;
        using var mapping = await MappingAsync();

        var polls = await DrainAsync(mapping);

        List<string> attempts;
        lock (_attempts)
        {
            attempts = [.. _attempts];
        }

        // Shard 0 went through in one batch; shard 1 stopped at b2 twice, with b3 and b4 held back until b2 succeeded.
        Assert.Equal(["a1", "a2", "a3", "a4"], attempts.Where(x => x.StartsWith('a')));
        Assert.Equal(["b1", "b2!", "b2!", "b2", "b3", "b4"], attempts.Where(x => x.StartsWith('b')));
        var shard1 = polls.Where(p => p.ShardId == _shards[1].ShardId).ToList();
        Assert.Equal(3, shard1.Count);
        Assert.Equal([b["b2"]], Reported(shard1[0]));
        Assert.Equal([b["b1"]], shard1[0].Committed);
        Assert.Equal(b["b2"], shard1[0].RetryFrom);
        Assert.Equal([b["b2"], b["b3"], b["b4"]], shard1[1].Delivered); // resumed at the reported sequence number
        Assert.Equal([b["b2"]], Reported(shard1[1]));
        Assert.Empty(shard1[1].Committed);
        Assert.Empty(Reported(shard1[2]));
        Assert.Equal([b["b2"], b["b3"], b["b4"]], shard1[2].Committed);
        var shard0 = Assert.Single(polls, p => p.ShardId == _shards[0].ShardId);
        Assert.Equal([a["a1"], a["a2"], a["a3"], a["a4"]], shard0.Committed);
        Assert.Empty(mapping.OnFailure);
    }

    [Fact]
    public async Task OneShard_TwoPartitionKeys_TheOtherKeyGoesOnAndIsDeliveredAgainFromTheCheckpoint()
    {
        // a and c share shard 0; a2 fails once. c2 comes after a2 in the shard, so Lambda delivers it again (at least once).
        var s = await PutAsync(0, "a1", "c1", "a2", "c2");
        _failuresLeft["a2"] = 1;
        using var mapping = await MappingAsync();

        var polls = await DrainAsync(mapping);

        lock (_attempts)
        {
            Assert.Equal(["a1", "c1", "a2!", "c2", "a2", "c2"], _attempts);
        }

        Assert.Equal([s["a2"]], Reported(polls[0]));
        Assert.Equal([s["a1"], s["c1"]], polls[0].Committed);
    }

    [Fact]
    public async Task MaximumRetryAttempts_RecordAlwaysFails_IsSkippedWithAnOnFailureRecordAndTheShardMovesOn()
    {
        var b = await PutAsync(1, "b1", "b2", "b3");
        _failuresLeft["b2"] = -1;
        using var mapping = await MappingAsync(maximumRetryAttempts: 1);

        var polls = await DrainAsync(mapping);
        var later = await PutAsync(1, "b4");
        var after = await DrainAsync(mapping);

        lock (_attempts)
        {
            Assert.Equal(["b1", "b2!", "b2!", "b4"], _attempts);
        }

        var given = Assert.Single(mapping.OnFailure);
        Assert.Equal((_shards[1].ShardId, b["b2"], b["b3"], 2, 2, "RetryAttemptsExhausted"), (given.ShardId, given.StartSequenceNumber, given.EndSequenceNumber, given.BatchSize, given.Attempts, given.Condition));
        Assert.Equal([b["b2"], b["b3"]], polls[^1].Skipped);
        Assert.Equal([later["b4"]], Assert.Single(after).Committed);
    }

    [Fact]
    public async Task FunctionError_TheWholeBatchIsDeliveredAgainFromItsFirstRecord()
    {
        var b = await PutAsync(1, "b1", "b2");
        Interlocked.Exchange(ref _crashes, 1);
        using var mapping = await MappingAsync();

        var crashed = await mapping.PollShardAsync(_shards[1].ShardId);
        var polls = await DrainAsync(mapping);

        Assert.Equal(LambdaInvocationOutcome.FunctionError, crashed.Invocation!.Outcome);
        Assert.Empty(crashed.Committed);
        Assert.Equal(b["b1"], crashed.RetryFrom);
        Assert.Equal([b["b1"], b["b2"]], Assert.Single(polls).Committed);
        lock (_attempts)
        {
            Assert.Equal(["b1", "b2"], _attempts);
        }
    }

    [Fact]
    public async Task MalformedEvent_IsAnsweredWithAnInvocationErrorAndTheLoopGoesOn()
    {
        var malformed = """{"Records":[{"kinesis":{"partitionKey":"k","sequenceNumber":"1","data":"%%"},"eventSource":"aws:kinesis","eventSourceARN":"arn:aws:kinesis:us-east-1:1:stream/x"}]}""";

        var refused = await _lambda.InvokeAsync(Encoding.UTF8.GetBytes(malformed), TimeSpan.FromSeconds(20));
        var b = await PutAsync(1, "b1");
        using var mapping = await MappingAsync();
        var polls = await DrainAsync(mapping);

        Assert.Equal(LambdaInvocationOutcome.FunctionError, refused.Outcome);
        Assert.Equal("Runtime.InvalidEvent", refused.ErrorType);
        Assert.Contains("kinesis.data that is not base64", refused.ErrorBodyText, StringComparison.Ordinal);
        Assert.Equal([b["b1"]], Assert.Single(polls).Committed);
    }

    [Fact]
    public async Task BuildEvent_HasTheSampleShapeAndMapsBack()
    {
        using var mapping = await MappingAsync();
        var arrived = DateTimeOffset.FromUnixTimeMilliseconds(1480641523477);
        var payload = mapping.BuildEvent(_shards[0].ShardId, [new KinesisStreamRecord("4956816737", "s1", "Hello World"u8.ToArray(), arrived)]);

        using var ours = JsonDocument.Parse(payload);
        using var sample = JsonDocument.Parse(RepoPaths.ReadSample("aws-kinesis-event.json"));
        static IEnumerable<string> Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).Order();
        var (ourRecord, sampleRecord) = (ours.RootElement.GetProperty("Records")[0], sample.RootElement.GetProperty("Records")[0]);
        Assert.Equal(Keys(sampleRecord), Keys(ourRecord));
        Assert.Equal(Keys(sampleRecord.GetProperty("kinesis")), Keys(ourRecord.GetProperty("kinesis")));

        Assert.True(StreamEventMapper.TryMap(payload, out var batch, out var error), error?.ErrorMessage);
        var record = Assert.Single(batch.Records);
        Assert.Equal((_stream, _shards[0].ShardId, "s1", "Hello World", arrived), (record.Source, record.ShardId, record.PartitionKey, Encoding.UTF8.GetString(record.Data.Span), record.ArrivedAt));
    }
}
