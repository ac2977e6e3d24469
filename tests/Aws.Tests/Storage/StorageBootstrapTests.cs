using System.Text;
using System.Text.Json;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Aws.Storage;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Storage;
using Portable.Emulators.Aws;
using Portable.Engines;
using Portable.Testing;

namespace Portable.Aws.Tests.Storage;

/// <summary>
/// A storage function served by the runtime loop through the Runtime API emulator: S3 events in, the object read from
/// S3 (s3rver) through the port, the tally on <c>/response</c> or the retry on <c>/error</c>.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap sets _X_AMZN_TRACE_ID
public sealed class StorageBootstrapTests : IClassFixture<S3rverFixture>, IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly S3ObjectStoreOptions _s3;
    private readonly string _bucket = "uploads-" + Guid.NewGuid().ToString("N")[..12];
    private readonly List<(string Key, string Content)> _read = [];
    private readonly FunctionTestHost _host;

    public StorageBootstrapTests(S3rverFixture s3rver)
    {
        _s3 = S3ObjectStoreOptions.From(S3ObjectStoreTests.S3rverSettings(s3rver));
        _host = new FunctionTestHost(
            new FunctionManifestBuilder()
                .AddStorageFunction("csv-upload", "uploads", async (created, context, ct) =>
                {
                    await using var stored = await context.Services.GetRequiredService<IObjectStore>().OpenReadAsync(created.Bucket, created.Key, created.Version, ct);
                    using var reader = new StreamReader(stored.Content, Encoding.UTF8);
                    var content = await reader.ReadToEndAsync(ct);
                    lock (_read)
                    {
                        _read.Add((created.Key, content));
                    }

                    return MessageResult.Success;
                }, suffix: ".csv")
                .Build(),
            services => services.AddSingleton<IObjectStore>(_ => new S3ObjectStore(_s3)),
            o =>
            {
                o.StartTime = Start;
                o.Host = h => h.Cloud = CloudProvider.Aws;
            });
    }

    public async Task InitializeAsync()
    {
        using var client = _s3.CreateClient();
        await client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket });
        foreach (var (key, body) in new[] { ("in/q1 sales.csv", "category,amount\nbooks,12.50\n"), ("in/c++ notes.csv", "category,amount\n") })
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = body, ContentType = "text/csv", UseChunkEncoding = false });
        }
    }

    public Task DisposeAsync() => _host.DisposeAsync().AsTask();

    private async Task<LambdaInvocationResult> RunOneAsync(string payload)
    {
        // One clock for the emulator's deadlines and the mapper's deadline check.
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = _host.Clock });
        using var client = new RuntimeApiClient(emulator.RuntimeApi);
        var handler = StorageTriggerMapper.Answer(_host.StorageInvoker, _host.Clock, _host.StorageInvoker.GetFunction("csv-upload"), NullLogger.Instance);
        var bootstrap = new LambdaBootstrap(client, handler, NullLogger.Instance);
        var invocation = emulator.InvokeAsync(Encoding.UTF8.GetBytes(payload), TimeSpan.FromSeconds(30));
        await bootstrap.RunOnceAsync(CancellationToken.None);
        return await invocation;
    }

    private string Notification() =>
        S3Payloads.Notification(_bucket, ("ObjectCreated:Put", "in/q1+sales.csv", "e1"), ("ObjectCreated:CompleteMultipartUpload", "in/c%2B%2B+notes.csv", "e2"));

    [Fact]
    public async Task S3Notification_EachObjectIsReadFromS3UnderItsDecodedKey()
    {
        var result = await RunOneAsync(Notification());

        Assert.True(result.IsSuccess, $"{result.Outcome} {result.ErrorBodyText}");
        Assert.Equal(2, JsonDocument.Parse(result.Payload).RootElement.GetProperty("succeeded").GetInt32());
        Assert.Equal([("in/q1 sales.csv", "category,amount\nbooks,12.50\n"), ("in/c++ notes.csv", "category,amount\n")], _read);
    }

    [Fact]
    public async Task SameUploadDeliveredThreeTimes_DirectAndThroughEventBridge_IsReadOnce()
    {
        var direct = """{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"BUCKET"},"object":{"key":"in/q1+sales.csv","eTag":"abc","sequencer":"0A"}}}]}""".Replace("BUCKET", _bucket, StringComparison.Ordinal);
        var routed = """{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"BUCKET"},"object":{"key":"in/q1 sales.csv","etag":"abc","sequencer":"0A"}}}""".Replace("BUCKET", _bucket, StringComparison.Ordinal);

        var results = new[] { await RunOneAsync(direct), await RunOneAsync(direct), await RunOneAsync(routed) };

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ErrorBodyText));
        Assert.Equal("in/q1 sales.csv", Assert.Single(_read).Key);
    }

    [Fact]
    public async Task ObjectMissingFromTheBucket_IsDeadLetteredAndTheInvocationSucceeds()
    {
        var result = await RunOneAsync(S3Payloads.Notification(_bucket, ("ObjectCreated:Put", "in/gone.csv", "e9")));

        Assert.True(result.IsSuccess, result.ErrorBodyText);
        Assert.Equal(1, JsonDocument.Parse(result.Payload).RootElement.GetProperty("deadLettered").GetInt32());
        Assert.Contains("'in/gone.csv' was not found", Assert.Single(_host.DeadLetters.Received).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotAnS3Event_IsPostedAsAnInvocationError()
    {
        var result = await RunOneAsync("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{}}}]}""");

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Runtime.InvalidEvent", result.ErrorType);
        Assert.Contains("no s3.bucket.name", result.ErrorBodyText, StringComparison.Ordinal);
        Assert.Empty(_read);
    }

    [Fact]
    public async Task S3Unreachable_PostsTheRetryError()
    {
        await using var host = new FunctionTestHost(
            new FunctionManifestBuilder()
                .AddStorageFunction("csv-upload", "uploads", async (created, context, ct) =>
                {
                    await using var stored = await context.Services.GetRequiredService<IObjectStore>().OpenReadAsync(created.Bucket, created.Key, null, ct);
                    return MessageResult.Success;
                })
                .Build(),
            services => services.AddSingleton<IObjectStore>(_ => new S3ObjectStore(_s3 with { ServiceUrl = new Uri($"http://127.0.0.1:{Portable.TestKit.FreePort.Next()}") })),
            o => o.StartTime = Start);
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = host.Clock });
        using var client = new RuntimeApiClient(emulator.RuntimeApi);
        var bootstrap = new LambdaBootstrap(client, StorageTriggerMapper.Answer(host.StorageInvoker, host.Clock, host.StorageInvoker.GetFunction("csv-upload"), NullLogger.Instance), NullLogger.Instance);

        var invocation = emulator.InvokeAsync(Encoding.UTF8.GetBytes(S3Payloads.Notification(_bucket, ("ObjectCreated:Put", "a.csv", "e1"))), TimeSpan.FromSeconds(60));
        await bootstrap.RunOnceAsync(CancellationToken.None);
        var result = await invocation;

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal(StorageTriggerMapper.RetryErrorType, result.ErrorType);
        Assert.Contains("must be retried", result.ErrorBodyText, StringComparison.Ordinal);
        Assert.DoesNotContain("deadline", result.ErrorBodyText, StringComparison.Ordinal);
        Assert.Empty(host.DeadLetters.Received); // a fault reaching S3 is transient, never a dead letter
    }
}
