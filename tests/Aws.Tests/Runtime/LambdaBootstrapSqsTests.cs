using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Emulators.Aws;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Aws.Tests.Runtime;

/// <summary>The runtime loop serving a queue function in process: SQS events in, batchItemFailures (or /error) out.</summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap sets _X_AMZN_TRACE_ID
public class LambdaBootstrapSqsTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    // "ok…" succeeds, "poison…" is a permanent failure, anything else throws (transient).
    private static FunctionManifest Manifest(bool fifo = false) => new FunctionManifestBuilder()
        .AddQueue(
            "probe",
            "payments",
            (message, _, _) =>
            {
                var body = Encoding.UTF8.GetString(message.Body.Span);
                return body.StartsWith("ok", StringComparison.Ordinal) ? ValueTask.FromResult(MessageResult.Success)
                    : body.StartsWith("poison", StringComparison.Ordinal) ? throw new PermanentFailureException($"{body} is bad data")
                    : throw new InvalidOperationException("downstream unavailable");
            },
            new QueueTriggerOptions { Fifo = fifo, DisableIdempotency = true })
        .AddHttp("web", r => r.Map("GET", "/x", (_, _, _) => ValueTask.FromResult(Portable.Core.Http.PortableHttpResponse.Empty(200))))
        .Build();

    // Message i is "m{i}", delivered for the third time from "payments".
    private static string SqsEvent(params string[] bodies) =>
        Encoding.UTF8.GetString(SqsEvents.Batch(bodies.Select((body, i) => MessageBuilder.Text(body, $"m{i}").From("payments").WithDeliveryCount(3).Build())));

    private static FunctionTestHost Host(FunctionManifest manifest, IDeadLetterSink? deadLetters = null) =>
        new(manifest, configure: o =>
        {
            o.Host = h => h.Cloud = CloudProvider.Aws;
            if (deadLetters is not null)
            {
                o.Services = s => s.AddSingleton(deadLetters);
            }
        });

    private static async Task<LambdaInvocationResult> RunOneAsync(FunctionTestHost harness, string payload, bool fifo = false)
    {
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = new FakeTimeProvider(Start) });
        using var client = new RuntimeApiClient(emulator.RuntimeApi);
        var function = harness.MessageInvoker.GetFunction("probe");
        var bootstrap = new LambdaBootstrap(client, QueueTriggerMapper.Answer(harness.MessageInvoker, function, NullLogger.Instance), NullLogger.Instance);
        var invocation = emulator.InvokeAsync(Encoding.UTF8.GetBytes(payload), TimeSpan.FromSeconds(10));
        await bootstrap.RunOnceAsync(CancellationToken.None);
        return await invocation;
    }

    private static string[] FailedIds(LambdaInvocationResult result)
    {
        Assert.True(result.IsSuccess, $"{result.Outcome} {result.ErrorBodyText}");
        var response = JsonSerializer.Deserialize(result.Payload.Span, SqsJsonContext.Default.SqsBatchResponse)!;
        return [.. response.BatchItemFailures.Select(f => f.ItemIdentifier)];
    }

    [Fact]
    public void TryResolveHandler_QueueFunction_Resolves()
    {
        Assert.True(LambdaBootstrap.TryResolveHandler("probe", Manifest(), out var function, out _));
        Assert.IsType<QueueTrigger>(function.Trigger);
    }

    [Fact]
    public async Task RunOnce_AllSucceed_PostsAnEmptyFailureList()
    {
        using var harness = Host(Manifest());

        var result = await RunOneAsync(harness, SqsEvent("ok-1", "ok-2", "ok-3"));

        Assert.Equal("""{"batchItemFailures":[]}""", result.PayloadText);
    }

    [Fact]
    public async Task RunOnce_PoisonAndTransient_ListsOnlyTheTransientAndDeadLettersThePoison()
    {
        using var harness = Host(Manifest());

        var result = await RunOneAsync(harness, SqsEvent("ok-1", "poison-2", "flaky-3", "ok-4"));

        Assert.Equal(["m2"], FailedIds(result));
        var (message, reason) = Assert.Single(harness.DeadLetters.Received);
        Assert.Equal("m1", message.Id);
        Assert.Equal("payments", message.Source);
        Assert.Equal(3, message.DeliveryCount);
        Assert.Equal("poison-2 is bad data", reason);
    }

    [Fact]
    public async Task RunOnce_DeadLetterSinkFails_ListsThePoisonForRedelivery()
    {
        using var harness = Host(Manifest(), new UnconfiguredDeadLetterSink());

        var result = await RunOneAsync(harness, SqsEvent("ok-1", "poison-2"));

        Assert.Equal(["m1"], FailedIds(result));
    }

    [Fact]
    public async Task RunOnce_FifoFunction_ListsEverythingFromTheFirstFailureOn()
    {
        using var harness = Host(Manifest(fifo: true));

        var result = await RunOneAsync(harness, SqsEvent("ok-1", "flaky-2", "ok-3", "ok-4"));

        Assert.Equal(["m1", "m2", "m3"], FailedIds(result));
    }

    [Fact]
    public async Task RunOnce_FifoQueueTwoGroups_StopsOnlyTheFailedGroupAndListsItsRest()
    {
        // A function not declared FIFO still runs a .fifo queue's batch in order per group: the event says it is FIFO.
        var seen = new List<string>();
        var manifest = new FunctionManifestBuilder()
            .AddQueue(
                "probe",
                "payments",
                (message, _, _) =>
                {
                    var body = Encoding.UTF8.GetString(message.Body.Span);
                    seen.Add(body);
                    return body.StartsWith("ok", StringComparison.Ordinal) ? ValueTask.FromResult(MessageResult.Success) : throw new InvalidOperationException("downstream unavailable");
                },
                new QueueTriggerOptions { DisableIdempotency = true })
            .Build();
        using var harness = Host(manifest);
        string[] groups = ["a", "b", "a", "b", "a"];
        string[] bodies = ["ok-a1", "ok-b1", "flaky-a2", "ok-b2", "ok-a3"];
        var payload = SqsEvents.Batch(bodies.Select((body, i) => MessageBuilder.Text(body, $"m{i}").From("payments.fifo").WithOrderingKey(groups[i]).Build()));

        var result = await RunOneAsync(harness, Encoding.UTF8.GetString(payload));

        Assert.Equal(["ok-a1", "ok-b1", "flaky-a2", "ok-b2"], seen); // a3 waits behind a2
        Assert.Equal(["m2", "m4"], FailedIds(result));
    }

    [Fact]
    public async Task RunOnce_RecordMissingMessageId_PostsInvalidEventError()
    {
        using var harness = Host(Manifest());

        var result = await RunOneAsync(harness, """{"Records":[{"eventSource":"aws:sqs","body":"ok","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:payments"}]}""");

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Runtime.InvalidEvent", result.ErrorType);
        Assert.Equal(LambdaError.ContentType, result.ErrorContentType);
        using var json = JsonDocument.Parse(result.ErrorBody);
        Assert.Equal("Runtime.InvalidEvent", json.RootElement.GetProperty("errorType").GetString());
        Assert.Contains("Records[0] has no messageId", json.RootElement.GetProperty("errorMessage").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunOnce_HttpEventToQueueFunction_PostsUnsupportedEventError()
    {
        using var harness = Host(Manifest());

        var result = await RunOneAsync(harness, RepoPaths.ReadSample("aws-apigw-v2-request.json"));

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Runtime.UnsupportedEvent", result.ErrorType);
    }

    [Fact]
    public async Task RunOnce_RealSample_IsAnsweredWithItsMessageIdForRetry()
    {
        using var harness = Host(Manifest());

        var result = await RunOneAsync(harness, RepoPaths.ReadSample("aws-sqs-event.json")); // "Message Body" is neither ok nor poison: transient

        Assert.Equal(["MessageID"], FailedIds(result));
    }
}
