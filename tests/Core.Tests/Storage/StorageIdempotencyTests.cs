using Portable.Core.Functions;
using Portable.Core.Idempotency;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Testing;

namespace Portable.Core.Tests.Storage;

/// <summary>Repeated deliveries of one upload run the handler once, through the idempotency records queue messages use.</summary>
public sealed class StorageIdempotencyTests
{
    private int _calls;
    private Func<ObjectCreated, ValueTask<MessageResult>> _answer = _ => ValueTask.FromResult(MessageResult.Success);

    private FunctionTestHost Host(bool disableIdempotency = false)
    {
        StorageHandler handler = (created, _, _) =>
        {
            Interlocked.Increment(ref _calls);
            return _answer(created);
        };
        var builder = new FunctionManifestBuilder();
        builder.Add(new FunctionDefinition("csv-upload", StorageManifestExtensions.Trigger("uploads", null, ".csv", _ => handler) with { DisableIdempotency = disableIdempotency }));
        builder.AddStorageFunction("audit", "uploads", handler);
        return new FunctionTestHost(builder.Build());
    }

    [Fact]
    public async Task SameUploadDeliveredThreeTimes_RunsTheHandlerOnce()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", "a.csv", "x"u8.ToArray());

        var results = new List<MessageResult>();
        for (var delivery = 0; delivery < 3; delivery++)
        {
            results.Add(await host.DeliverObjectAsync("csv-upload", created with { EventTime = created.EventTime?.AddSeconds(delivery) }));
        }

        Assert.Equal(MessageResult.Success, results[0]);
        Assert.All(results.Skip(1), r => Assert.Equal(new MessageResult(MessageOutcome.Success, StorageIdempotencyMiddleware.DuplicateReason), r));
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task SameUploadThroughTwoRoutes_RunsOnce()
    {
        await using var host = Host();
        // An S3 notification (etag and sequencer, no version: the bucket is not versioned) and its EventBridge twin.
        var direct = new ObjectCreated { Cloud = CloudProvider.Aws, Bucket = "uploads", Key = "a.csv", ETag = "abc", Sequencer = "0A1B", Size = 1 };
        var eventBridge = direct with { EventTime = DateTimeOffset.UnixEpoch };

        await host.DeliverObjectAsync("csv-upload", direct);
        await host.DeliverObjectAsync("csv-upload", eventBridge);

        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task NewVersionOfTheSameKey_RunsAgain()
    {
        await using var host = Host();

        await host.UploadAsync("csv-upload", "uploads", "a.csv", "x"u8.ToArray());
        await host.UploadAsync("csv-upload", "uploads", "a.csv", "x"u8.ToArray());

        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task TwoFunctionsOnOneBucket_EachRunsOnce()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", "a.csv", "x"u8.ToArray());

        await host.DeliverObjectAsync("csv-upload", created);
        await host.DeliverObjectAsync("audit", created);
        await host.DeliverObjectAsync("audit", created);

        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task FailedAttempt_ReleasesItsClaim_SoTheRedeliveryRuns()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", "a.csv", "x"u8.ToArray());
        _answer = _ => throw new IOException("downstream unavailable");

        var first = await host.DeliverObjectAsync("csv-upload", created);
        _answer = _ => ValueTask.FromResult(MessageResult.Success);
        var second = await host.DeliverObjectAsync("csv-upload", created);
        var third = await host.DeliverObjectAsync("csv-upload", created);

        Assert.Equal((MessageOutcome.Retry, MessageOutcome.Success, MessageOutcome.Success), (first.Outcome, second.Outcome, third.Outcome));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task DeliveryWhileTheFirstIsRunning_IsRetriedNotRunTwice()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", "a.csv", "x"u8.ToArray());
        var release = new TaskCompletionSource<MessageResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _answer = _ => new ValueTask<MessageResult>(release.Task);

        var first = host.DeliverObjectAsync("csv-upload", created).AsTask();
        // Bounded: were the second delivery run, it would wait on the same release as the first.
        var racing = await host.DeliverObjectAsync("csv-upload", created).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        release.SetResult(MessageResult.Success);

        Assert.Equal(MessageOutcome.Retry, racing.Outcome);
        Assert.Contains("in progress", racing.Reason, StringComparison.Ordinal);
        Assert.Equal(MessageResult.Success, await first);
        Assert.Equal(1, _calls);
    }

    [Fact]
    public async Task IdempotencyDisabled_RunsEveryDelivery()
    {
        await using var host = Host(disableIdempotency: true);
        var created = host.Objects.Put("uploads", "a.csv", "x"u8.ToArray());

        await host.DeliverObjectAsync("csv-upload", created);
        await host.DeliverObjectAsync("csv-upload", created);

        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task EventWithoutVersionEtagOrSequencer_RunsEveryDelivery()
    {
        await using var host = Host();
        var created = new ObjectCreated { Cloud = CloudProvider.Local, Bucket = "uploads", Key = "a.csv" };

        await host.DeliverObjectAsync("csv-upload", created);
        await host.DeliverObjectAsync("csv-upload", created);

        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task CompletedRecord_IsKeptUnderAHashOfTheKey()
    {
        await using var host = Host();
        var created = host.Objects.Put("uploads", new string('k', 1024) + ".csv", "x"u8.ToArray());

        await host.DeliverObjectAsync("csv-upload", created);

        var recordKey = StorageIdempotencyMiddleware.RecordKey("csv-upload", created.DeduplicationKey!);
        Assert.Equal("csv-upload:obj:".Length + 64, recordKey.Length);
        Assert.NotNull(await host.Store.GetAsync(IdempotencyRecords.Collection, recordKey));
    }
}
