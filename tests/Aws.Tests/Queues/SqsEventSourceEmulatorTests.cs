using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Emulators.Aws;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Aws.Tests.Queues;

/// <summary>The SQS event source emulator driving the runtime loop in process: event shape, visibility, redrive.</summary>
public sealed class SqsEventSourceEmulatorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stop = new();
    private FunctionTestHost _harness = null!;
    private LambdaRuntimeApiEmulator _lambda = null!;
    private SqsEventSourceEmulator _sqs = null!;
    private RuntimeApiClient _client = null!;
    private Task _loop = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        // "ok…" succeeds; anything else always fails transiently.
        var manifest = new FunctionManifestBuilder()
            .AddQueue("probe", "jobs", (m, _, _) => Encoding.UTF8.GetString(m.Body.Span).StartsWith("ok", StringComparison.Ordinal)
                ? ValueTask.FromResult(MessageResult.Success)
                : throw new InvalidOperationException("always down"), new QueueTriggerOptions { BatchSize = 2, DisableIdempotency = true })
            .Build();
        _harness = new FunctionTestHost(manifest, configure: o => o.Host = h => h.Cloud = CloudProvider.Aws);
        _lambda = await LambdaRuntimeApiEmulator.StartAsync();
        _sqs = await SqsEventSourceEmulator.StartAsync(_lambda, new SqsEventSourceEmulatorOptions { QueueName = "jobs", BatchSize = 2, MaxReceiveCount = 3, TimeProvider = _time });
        _client = new RuntimeApiClient(_lambda.RuntimeApi);
        var bootstrap = new LambdaBootstrap(_client, QueueTriggerMapper.Answer(_harness.MessageInvoker, _harness.MessageInvoker.GetFunction("probe"), NullLogger.Instance), NullLogger.Instance);
        _loop = Task.Run(() => bootstrap.RunAsync(_stop.Token));
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sqs.DisposeAsync();
        await _lambda.DisposeAsync();
        await Task.WhenAny(_loop, Task.Delay(TimeSpan.FromSeconds(5)));
        _client.Dispose();
        _harness.Dispose();
        _stop.Dispose();
    }

    [Fact]
    public void BuildEvent_ParsesLikeTheRealSample()
    {
        _sqs.Send("hello", new Dictionary<string, string> { ["tenant"] = "acme" });
        var payload = _sqs.BuildEvent([_sqs.Messages()[0] with { ReceiveCount = 1 }]);

        Assert.True(SqsEventMapper.TryMap(payload, out var batch, out var error), error?.ErrorMessage);
        var message = Assert.Single(batch.Messages);
        Assert.Equal("jobs", message.Source);
        Assert.Equal("acme", message.Attributes["tenant"]);
        using var ours = JsonDocument.Parse(payload);
        using var sample = JsonDocument.Parse(RepoPaths.ReadSample("aws-sqs-event.json"));
        var sampleKeys = sample.RootElement.GetProperty("Records")[0].EnumerateObject().Select(p => p.Name).Where(n => n != "md5OfMessageAttributes").Order();
        Assert.Equal(sampleKeys, ours.RootElement.GetProperty("Records")[0].EnumerateObject().Select(p => p.Name).Order());
    }

    [Fact]
    public async Task Poll_TakesBatchSizeAndDeletesSuccesses()
    {
        var a = _sqs.Send("ok-a");
        var b = _sqs.Send("ok-b");
        var c = _sqs.Send("ok-c");

        var first = await _sqs.PollOnceAsync();
        var second = await _sqs.PollOnceAsync();

        Assert.Equal([a, b], first.Deleted);
        Assert.Equal([c], second.Deleted);
        Assert.Empty(_sqs.Messages());
    }

    [Fact]
    public async Task Poll_AlwaysFailing_IsRedrivenToTheDlqAfterMaxReceiveCount()
    {
        var id = _sqs.Send("down");

        for (var receive = 1; receive <= 3; receive++)
        {
            var poll = await _sqs.PollOnceAsync();
            Assert.Equal([id], poll.Failed);
            Assert.Equal(receive, Assert.Single(_sqs.Messages()).ReceiveCount);
            Assert.Empty((await _sqs.PollOnceAsync()).Received); // invisible until the timeout ends
            _time.Advance(_sqs.Options.VisibilityTimeout);
        }

        var redrive = await _sqs.PollOnceAsync();

        Assert.Equal([id], redrive.Redriven);
        Assert.Null(redrive.Invocation);
        Assert.Empty(_sqs.Messages());
        Assert.Equal("down", Assert.Single(_sqs.DeadLetters).Body);
    }
}
