using System.Net.Http.Headers;
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

namespace Portable.Aws.Tests.Queues;

/// <summary>
/// The SQS event source emulator with a FIFO queue, driving the real runtime loop in process: groups in order, a failed
/// message holding back only its group, deduplication ids within 5 minutes.
/// </summary>
[Collection(ProcessEnvironmentCollection.Name)] // the bootstrap sets _X_AMZN_TRACE_ID
public sealed class SqsFifoEventSourceEmulatorTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _attempts = []; // every attempt in order; "a2!" failed
    private readonly Dictionary<string, int> _failuresLeft = new(StringComparer.Ordinal);
    private FunctionTestHost _harness = null!;
    private LambdaRuntimeApiEmulator _lambda = null!;
    private SqsEventSourceEmulator _sqs = null!;
    private RuntimeApiClient _client = null!;
    private Task _loop = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        // Not declared FIFO: the .fifo queue's event makes the Lambda adapter keep order per group.
        var manifest = new FunctionManifestBuilder()
            .AddQueue("orders", "orders", (m, _, _) =>
            {
                var body = Encoding.UTF8.GetString(m.Body.Span);
                lock (_attempts)
                {
                    var fail = _failuresLeft.TryGetValue(body, out var left) && left > 0;
                    _failuresLeft[body] = left - 1;
                    _attempts.Add(fail ? body + "!" : body);
                    return fail ? throw new InvalidOperationException("not yet") : ValueTask.FromResult(MessageResult.Success);
                }
            }, new QueueTriggerOptions { DisableIdempotency = true })
            .Build();
        _harness = new FunctionTestHost(manifest, configure: o => o.Host = h => h.Cloud = CloudProvider.Aws);
        // Deadlines on the host's clock, so they are ahead of the handler's now whatever the date.
        _lambda = await LambdaRuntimeApiEmulator.StartAsync(new LambdaRuntimeApiEmulatorOptions { TimeProvider = _harness.Clock });
        _sqs = await SqsEventSourceEmulator.StartAsync(_lambda, new SqsEventSourceEmulatorOptions { QueueName = "orders.fifo", BatchSize = 10, MaxReceiveCount = 3, TimeProvider = _time });
        _client = new RuntimeApiClient(_lambda.RuntimeApi);
        var bootstrap = new LambdaBootstrap(_client, QueueTriggerMapper.Answer(_harness.MessageInvoker, _harness.MessageInvoker.GetFunction("orders"), NullLogger.Instance), NullLogger.Instance);
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

    // Sends each body to the group named by its first letter, deduplicated by the body.
    private Dictionary<string, string> Send(params string[] bodies) =>
        bodies.ToDictionary(body => body, body => _sqs.Send(body, groupId: body[..1], deduplicationId: body), StringComparer.Ordinal);

    private async Task<SqsPollResult> PollAsync()
    {
        var poll = await _sqs.PollOnceAsync();
        Assert.True(poll.Invocation is null || poll.Invocation.IsSuccess, $"{poll.Invocation?.Outcome} {poll.Invocation?.ErrorBodyText}");
        return poll;
    }

    private string[] Attempts()
    {
        lock (_attempts)
        {
            return [.. _attempts];
        }
    }

    [Fact]
    public async Task Poll_FailureInOneGroup_ReportsItAndTheRestOfItsGroupOnly_ThenRedeliversThemInOrder()
    {
        var id = Send("a1", "b1", "a2", "b2", "a3");
        _failuresLeft["a2"] = 1;

        var first = await PollAsync();
        var blocked = await PollAsync();
        _time.Advance(_sqs.Options.VisibilityTimeout);
        var again = await PollAsync();

        Assert.Equal([id["a1"], id["b1"], id["a2"], id["b2"], id["a3"]], first.Received);
        Assert.Equal([id["a2"], id["a3"]], first.Failed);
        Assert.Equal([id["a1"], id["b1"], id["b2"]], first.Deleted);
        Assert.Empty(blocked.Received); // group a waits for its failed message; nothing else is left
        Assert.Equal([id["a2"], id["a3"]], again.Deleted);
        Assert.Equal(["a1", "b1", "a2!", "b2", "a2", "a3"], Attempts());
        Assert.Empty(_sqs.Messages());
    }

    [Fact]
    public async Task Poll_GroupWithAMessageInFlight_GivesNothingMoreOfThatGroupButOtherGroupsGoOn()
    {
        var id = Send("a1", "a2");
        _failuresLeft["a1"] = 1;
        var first = await PollAsync();
        var later = Send("a3", "b1");

        var second = await PollAsync();

        Assert.Equal([id["a1"], id["a2"]], first.Failed);
        Assert.Equal([later["b1"]], second.Received); // a1 and a2 are in flight: a3 must wait behind them
        _time.Advance(_sqs.Options.VisibilityTimeout);
        var third = await PollAsync();
        Assert.Equal([id["a1"], id["a2"], later["a3"]], third.Deleted);
        Assert.Equal(["a1!", "b1", "a1", "a2", "a3"], Attempts());
    }

    [Fact]
    public async Task Send_SameDeduplicationIdWithinFiveMinutes_IsAcceptedButEnqueuedOnce()
    {
        var first = _sqs.Send("pay 10", groupId: "acct-1", deduplicationId: "payment-1");
        _time.Advance(TimeSpan.FromMinutes(4));
        var duplicate = _sqs.Send("pay 10", groupId: "acct-1", deduplicationId: "payment-1");
        _time.Advance(TimeSpan.FromMinutes(1));
        var afterInterval = _sqs.Send("pay 10", groupId: "acct-1", deduplicationId: "payment-1");

        Assert.Equal(first, duplicate);
        Assert.NotEqual(first, afterInterval);
        Assert.Equal([first, afterInterval], _sqs.Messages().Select(m => m.MessageId));
        var sequences = _sqs.Messages().Select(m => m.SequenceNumber!).ToArray();
        Assert.All(sequences, s => Assert.Equal(20, s.Length));
        Assert.True(string.CompareOrdinal(sequences[0], sequences[1]) < 0);
    }

    [Fact]
    public async Task SendMessageApi_FifoQueue_TakesGroupAndDeduplicationIdsAndRefusesAMissingGroup()
    {
        using var http = new HttpClient { BaseAddress = _sqs.ServiceUrl };
        async Task<(int Status, JsonDocument Body)> SendAsync(string json)
        {
            using var content = new StringContent(json, Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-amz-json-1.0");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = content };
            request.Headers.Add("X-Amz-Target", "AmazonSQS.SendMessage");
            using var response = await http.SendAsync(request);
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()));
        }

        var url = $"{_sqs.ServiceUrl}{_sqs.Options.AccountId}/orders.fifo";
        var (okStatus, ok) = await SendAsync($$"""{"QueueUrl":"{{url}}","MessageBody":"x","MessageGroupId":"g","MessageDeduplicationId":"d-1"}""");
        var (dupStatus, dup) = await SendAsync($$"""{"QueueUrl":"{{url}}","MessageBody":"x","MessageGroupId":"g","MessageDeduplicationId":"d-1"}""");
        var (badStatus, bad) = await SendAsync($$"""{"QueueUrl":"{{url}}","MessageBody":"x","MessageDeduplicationId":"d-2"}""");

        Assert.Equal(200, okStatus);
        Assert.Equal(20, ok.RootElement.GetProperty("SequenceNumber").GetString()!.Length);
        Assert.Equal(200, dupStatus);
        Assert.Equal(ok.RootElement.GetProperty("MessageId").GetString(), dup.RootElement.GetProperty("MessageId").GetString());
        Assert.Equal(400, badStatus);
        Assert.Equal("com.amazonaws.sqs#MissingParameter", bad.RootElement.GetProperty("__type").GetString());
        var message = Assert.Single(_sqs.Messages());
        Assert.Equal(("g", "d-1"), (message.GroupId, message.DeduplicationId));
        ok.Dispose();
        dup.Dispose();
        bad.Dispose();
    }

    [Fact]
    public void Send_FifoWithoutDeduplicationIdOrContentDeduplication_IsRefused() =>
        Assert.Throws<ArgumentException>(() => _sqs.Send("x", groupId: "g"));

    [Fact]
    public async Task ContentBasedDeduplication_SameBodyIsOneMessage()
    {
        await using var sqs = await SqsEventSourceEmulator.StartAsync(_lambda, new SqsEventSourceEmulatorOptions { QueueName = "audit.fifo", ContentBasedDeduplication = true, TimeProvider = _time });

        var first = sqs.Send("same", groupId: "g");
        var second = sqs.Send("same", groupId: "g");

        Assert.Equal(first, second);
        Assert.Single(sqs.Messages());
    }

    [Fact]
    public void BuildEvent_FifoMessage_CarriesGroupSequenceAndDeduplicationAndMapsToAFifoBatch()
    {
        Send("a1");
        var message = _sqs.Messages()[0];
        message.ReceiveCount = 1;

        Assert.True(SqsEventMapper.TryMap(_sqs.BuildEvent([message]), out var batch, out var error), error?.ErrorMessage);

        Assert.True(batch.IsFifo);
        var mapped = Assert.Single(batch.Messages);
        Assert.Equal(("a", message.SequenceNumber, "a1", "orders.fifo"), (mapped.OrderingKey, mapped.SequenceNumber, mapped.DeduplicationId, mapped.Source));
    }

    [Fact]
    public async Task Redrive_FifoQueue_GoesToTheFifoDeadLetterQueue()
    {
        Send("a1");
        _failuresLeft["a1"] = 10;

        for (var receive = 0; receive < 3; receive++)
        {
            await PollAsync();
            _time.Advance(_sqs.Options.VisibilityTimeout);
        }

        var redrive = await PollAsync();

        Assert.Equal("orders-dlq.fifo", _sqs.DeadLetterQueueName);
        Assert.Single(redrive.Redriven);
        var letter = Assert.Single(_sqs.DeadLetters);
        Assert.Equal(("a1", "a"), (letter.Body, letter.GroupId));
    }
}
