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
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Aws.Tests.Streams;

/// <summary>The runtime loop serving a stream function in process: DynamoDB Streams and Kinesis events in, batchItemFailures by sequence number (or /error) out.</summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap sets _X_AMZN_TRACE_ID
public sealed class LambdaBootstrapStreamTests : IDisposable
{
    private readonly List<string> _seen = [];
    private readonly FunctionTestHost _host;

    public LambdaBootstrapStreamTests()
    {
        // A DynamoDB change whose NewImage has "fail": true fails; the handler records "{eventName} {sequence}".
        var manifest = new FunctionManifestBuilder()
            .AddStreamFunction("item-changes", "items", (record, _, _) =>
            {
                var fails = false;
                if (record.EventName is "INSERT" or "MODIFY" or "REMOVE")
                {
                    using var json = JsonDocument.Parse(record.Data);
                    fails = json.RootElement.GetProperty("dynamodb").TryGetProperty("NewImage", out var image)
                        && image.TryGetProperty("fail", out var flag) && flag.GetProperty("BOOL").GetBoolean();
                }

                _seen.Add($"{record.EventName} {record.SequenceNumber}");
                return fails ? throw new InvalidOperationException("projection store down") : ValueTask.CompletedTask;
            })
            .Build();
        _host = new FunctionTestHost(manifest, configure: o => o.Host = h => h.Cloud = CloudProvider.Aws);
    }

    public void Dispose() => _host.Dispose();

    private static string Change(string eventName, string key, string sequence, bool fail = false)
    {
        var flag = fail ? "true" : "false";
        return $$$"""
            {"eventID":"e-{{{sequence}}}","eventName":"{{{eventName}}}","eventVersion":"1.1","eventSource":"aws:dynamodb","awsRegion":"us-east-1",
             "dynamodb":{"ApproximateCreationDateTime":1480642020,"Keys":{"id":{"S":"{{{key}}}"}},
                         "NewImage":{"id":{"S":"{{{key}}}"},"fail":{"BOOL":{{{flag}}}}},
                         "SequenceNumber":"{{{sequence}}}","SizeBytes":26,"StreamViewType":"NEW_AND_OLD_IMAGES"},
             "eventSourceARN":"arn:aws:dynamodb:us-east-1:123456789012:table/items/stream/2026-11-01T00:00:00.000"}
            """;
    }

    private async Task<LambdaInvocationResult> RunOneAsync(string payload)
    {
        // The emulator's deadlines on the host's own clock, so the invocation's deadline is 10 s ahead of the handler's now.
        await using var emulator = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = _host.Clock });
        using var client = new RuntimeApiClient(emulator.RuntimeApi);
        var invoker = _host.Services.GetRequiredService<StreamInvoker>();
        var bootstrap = new LambdaBootstrap(client, StreamTriggerMapper.Answer(invoker, invoker.GetFunction("item-changes"), NullLogger.Instance), NullLogger.Instance);
        var invocation = emulator.InvokeAsync(Encoding.UTF8.GetBytes(payload), TimeSpan.FromSeconds(10));
        await bootstrap.RunOnceAsync(CancellationToken.None);
        return await invocation;
    }

    private static string[] Failures(LambdaInvocationResult result)
    {
        Assert.True(result.IsSuccess, $"{result.Outcome} {result.ErrorBodyText}");
        var response = JsonSerializer.Deserialize(result.Payload.Span, SqsJsonContext.Default.SqsBatchResponse)!;
        return [.. response.BatchItemFailures.Select(f => f.ItemIdentifier)];
    }

    [Fact]
    public async Task RunOnce_DynamoDbSample_AllSucceed_AnswersAnEmptyFailureList()
    {
        var result = await RunOneAsync(RepoPaths.ReadSample("aws-dynamodb-streams-event.json"));

        Assert.Equal("""{"batchItemFailures":[]}""", result.PayloadText);
        Assert.Equal(["INSERT 1405400000000002063282832", "REMOVE 1405400000000002063282832"], _seen);
    }

    [Fact]
    public async Task RunOnce_DynamoDbChangeFails_ReportsItsSequenceNumberAndHoldsBackOnlyThatItemsLaterChanges()
    {
        var payload = $$"""{"Records":[{{Change("INSERT", "a", "100")}},{{Change("MODIFY", "a", "200", fail: true)}},{{Change("INSERT", "b", "300")}},{{Change("MODIFY", "a", "400")}},{{Change("REMOVE", "b", "500")}}]}""";

        var result = await RunOneAsync(payload);

        Assert.Equal(["200"], Failures(result));
        Assert.Equal(["INSERT 100", "MODIFY 200", "INSERT 300", "REMOVE 500"], _seen); // item a's MODIFY 400 waits behind 200
    }

    [Fact]
    public async Task RunOnce_KinesisSample_AnswersAnEmptyFailureList()
    {
        var result = await RunOneAsync(RepoPaths.ReadSample("aws-kinesis-event.json"));

        Assert.Empty(Failures(result));
    }

    [Fact]
    public async Task RunOnce_SqsEventToStreamFunction_PostsUnsupportedEventError()
    {
        var result = await RunOneAsync(RepoPaths.ReadSample("aws-sqs-event.json"));

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Runtime.UnsupportedEvent", result.ErrorType);
        Assert.Empty(_seen);
    }

    [Fact]
    public async Task RunOnce_DynamoDbRecordWithoutSequenceNumber_PostsInvalidEventError()
    {
        var result = await RunOneAsync("""{"Records":[{"eventName":"INSERT","eventSource":"aws:dynamodb","eventSourceARN":"arn:aws:dynamodb:us-east-1:1:table/items/stream/x","dynamodb":{"Keys":{"id":{"S":"a"}}}}]}""");

        Assert.Equal(LambdaInvocationOutcome.FunctionError, result.Outcome);
        Assert.Equal("Runtime.InvalidEvent", result.ErrorType);
        Assert.Contains("dynamodb.SequenceNumber missing", result.ErrorBodyText, StringComparison.Ordinal);
    }

    [Fact]
    public void TryResolveHandler_StreamFunction_IsServedByTheStreamMapper()
    {
        Assert.True(LambdaBootstrap.TryResolveHandler("item-changes", _host.Manifest, out var function, out _));
        Assert.IsType<StreamTriggerMapper>(LambdaTriggerMapper.Find(LambdaTriggerMapper.Default, function.Trigger));
    }
}
