using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Aws.Tests.Storage;

/// <summary>
/// Storage functions on Lambda: each created object of an S3 event runs once however often the event is delivered; an
/// object to retry fails the invocation so Lambda retries the whole event, and the objects already done are not run
/// again.
/// </summary>
public sealed class StorageTriggerMapperTests : IAsyncDisposable
{
    private readonly List<ObjectCreated> _runs = [];
    private readonly FunctionTestHost _host;

    // "bad…" keys are bad data; "flaky…" keys fail while Flaky is set.
    public StorageTriggerMapperTests()
    {
        _host = new FunctionTestHost(new FunctionManifestBuilder()
            .AddStorageFunction("csv-upload", "uploads", (created, _, _) =>
            {
                lock (_runs)
                {
                    _runs.Add(created);
                }

                return created.Key.StartsWith("bad", StringComparison.Ordinal) ? throw new PermanentFailureException($"{created.Key}: not a CSV")
                    : Flaky && created.Key.StartsWith("flaky", StringComparison.Ordinal) ? throw new TimeoutException("database timed out")
                    : ValueTask.FromResult(MessageResult.Success);
            }, suffix: ".csv")
            .Build());
    }

    private bool Flaky { get; set; } = true;

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private ValueTask<LambdaAnswer> InvokeAsync(string payload, DateTimeOffset? deadline = null) =>
        StorageTriggerMapper.Answer(_host.StorageInvoker, _host.Clock, _host.StorageInvoker.GetFunction("csv-upload"), NullLogger.Instance)(
            new RuntimeInvocation("req-1", deadline, null, null, null, null, Encoding.UTF8.GetBytes(payload)), CancellationToken.None);

    private static JsonElement Tally(LambdaAnswer answer)
    {
        Assert.Null(answer.Error);
        return JsonDocument.Parse(answer.Response).RootElement;
    }

    [Fact]
    public async Task Notification_EveryCreatedObjectRuns_InOrder()
    {
        var answer = await InvokeAsync(S3Payloads.Notification("uploads-123", ("ObjectCreated:Put", "in/a+1.csv", "e1"), ("ObjectCreated:Post", "in/b.csv", "e2")));

        var tally = Tally(answer);
        Assert.Equal(2, tally.GetProperty("succeeded").GetInt32());
        Assert.Equal(["in/a 1.csv", "in/b.csv"], _runs.Select(r => r.Key));
        Assert.All(_runs, r => Assert.Equal("uploads-123", r.Bucket));
    }

    [Fact]
    public async Task SameEventDeliveredThreeTimes_EachObjectRunsOnce()
    {
        var payload = S3Payloads.Notification("uploads", ("ObjectCreated:Put", "a.csv", "e1"), ("ObjectCreated:Put", "b.csv", "e2"));

        var answers = new List<LambdaAnswer>();
        for (var delivery = 0; delivery < 3; delivery++)
        {
            answers.Add(await InvokeAsync(payload));
        }

        Assert.Equal(["a.csv", "b.csv"], _runs.Select(r => r.Key));
        Assert.Equal([2, 0, 0], answers.Select(a => Tally(a).GetProperty("succeeded").GetInt32()));
        Assert.Equal([0, 2, 2], answers.Select(a => Tally(a).GetProperty("duplicates").GetInt32()));
    }

    [Fact]
    public async Task SameUploadDirectAndThroughEventBridge_RunsOnce()
    {
        await InvokeAsync("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"uploads"},"object":{"key":"in/q1+sales.csv","eTag":"abc","sequencer":"0A"}}}]}""");
        await InvokeAsync("""{"source":"aws.s3","detail-type":"Object Created","time":"2026-03-04T05:06:07Z","detail":{"bucket":{"name":"uploads"},"object":{"key":"in/q1 sales.csv","etag":"abc","sequencer":"0A"}}}""");

        Assert.Equal("in/q1 sales.csv", Assert.Single(_runs).Key);
    }

    [Fact]
    public async Task OneObjectToRetry_FailsTheInvocation_AndTheRetryRunsOnlyThatOne()
    {
        var payload = S3Payloads.Notification("uploads", ("ObjectCreated:Put", "a.csv", "e1"), ("ObjectCreated:Put", "flaky.csv", "e2"), ("ObjectCreated:Put", "c.csv", "e3"));

        var first = await InvokeAsync(payload);
        Flaky = false;
        var retry = await InvokeAsync(payload);

        Assert.Equal(StorageTriggerMapper.RetryErrorType, first.Error?.ErrorType);
        Assert.Contains("1 of 3 objects must be retried", first.Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("uploads/flaky.csv: TimeoutException: database timed out", first.Error.ErrorMessage, StringComparison.Ordinal);
        var tally = Tally(retry);
        Assert.Equal((1, 2), (tally.GetProperty("succeeded").GetInt32(), tally.GetProperty("duplicates").GetInt32())); // a.csv and c.csv were not run again
        Assert.Equal(["a.csv", "flaky.csv", "c.csv", "flaky.csv"], _runs.Select(r => r.Key));
    }

    [Fact]
    public async Task BadData_IsDeadLetteredAndTheInvocationSucceeds()
    {
        var answer = await InvokeAsync(S3Payloads.Notification("uploads", ("ObjectCreated:Put", "bad.csv", "e1"), ("ObjectCreated:Put", "ok.csv", "e2")));

        var tally = Tally(answer);
        Assert.Equal((1, 1), (tally.GetProperty("succeeded").GetInt32(), tally.GetProperty("deadLettered").GetInt32()));
        var dead = Assert.Single(_host.DeadLetters.Received);
        Assert.Equal(("csv-upload", "bad.csv: not a CSV"), (dead.Message.Source, dead.Reason));
    }

    [Fact]
    public async Task KeysOutsideTheFilterAndDeletes_SucceedWithoutRunning()
    {
        var answer = await InvokeAsync(S3Payloads.Notification("uploads", ("ObjectCreated:Put", "notes.txt", "e1"), ("ObjectRemoved:Delete", "old.csv", "")));

        var tally = Tally(answer);
        Assert.Equal((0, 2), (tally.GetProperty("succeeded").GetInt32(), tally.GetProperty("skipped").GetInt32()));
        Assert.Empty(_runs);
    }

    [Fact]
    public async Task VendorPutSample_NotCsvKeys_AreSkipped()
    {
        var answer = await InvokeAsync(await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "aws-s3-put.json")));

        Assert.Equal(2, Tally(answer).GetProperty("skipped").GetInt32()); // HappyFace.jpg and New File.jpg
        Assert.Empty(_runs);
    }

    [Fact]
    public async Task TestEvent_IsAnsweredWithoutRunning()
    {
        var answer = await InvokeAsync(S3Payloads.TestEvent);

        Assert.Equal("test-event", Tally(answer).GetProperty("status").GetString());
        Assert.Empty(_runs);
    }

    [Fact]
    public async Task Warmer_IsAnsweredBeforeAnyWork()
    {
        var answer = await InvokeAsync("""{"warmer":true}""");

        Assert.Equal("warm", Tally(answer).GetProperty("status").GetString());
        Assert.Empty(_runs);
    }

    [Fact]
    public async Task DeadlineAlreadyPassed_NothingRuns_AndTheInvocationFailsForARetry()
    {
        var answer = await InvokeAsync(S3Payloads.Notification("uploads", ("ObjectCreated:Put", "a.csv", "e1")), deadline: _host.Clock.GetUtcNow());

        Assert.Equal(StorageTriggerMapper.RetryErrorType, answer.Error?.ErrorType);
        Assert.Contains("deadline had passed", answer.Error!.ErrorMessage, StringComparison.Ordinal);
        Assert.Empty(_runs);
    }

    [Theory]
    [InlineData("{oops", "Runtime.UnsupportedEvent")]
    [InlineData("""{"Records":[{"eventSource":"aws:sqs","body":"x"}]}""", "Runtime.UnsupportedEvent")]
    [InlineData("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"uploads"}}}]}""", "Runtime.InvalidEvent")]
    public async Task UnusableEvent_IsRefusedOnError_AndNothingRuns(string payload, string errorType)
    {
        var answer = await InvokeAsync(payload);

        Assert.Equal(errorType, answer.Error?.ErrorType);
        Assert.Empty(_runs);
    }

    [Fact]
    public void Default_ServesStorageFunctions()
    {
        var trigger = _host.StorageInvoker.GetFunction("csv-upload").Trigger;

        Assert.IsType<StorageTriggerMapper>(LambdaTriggerMapper.Find(LambdaTriggerMapper.Default, trigger));
    }
}
