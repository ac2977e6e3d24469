using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Core.Schedules;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

/// <summary>
/// Event functions on Lambda: an EventBridge event from a rule's Lambda target (the vendor samples included), or an SQS
/// batch whose bodies are events (a rule's SQS target), through EventInvoker; /error for a failure Lambda should
/// retry, a dead letter for a poison event or a payload that is not an event.
/// </summary>
public sealed class EventTriggerMapperTests : IAsyncDisposable
{
    private readonly List<PortableEvent> _handled = [];
    private readonly FunctionTestHost _host;

    public EventTriggerMapperTests() =>
        _host = new FunctionTestHost(
            new FunctionManifestBuilder()
                .AddEventFunction("charge-payment", "on-inventory-reserved", """{"source": ["inventory", "aws.ec2", "aws.events"]}""", (e, ctx, _) =>
                {
                    _handled.Add(e);
                    return e.Detail.TryGetProperty("fail", out var fail) ? fail.GetString() switch
                    {
                        "transient" => throw new IOException("payment service down"),
                        _ => throw new PermanentFailureException("order does not exist"),
                    }
                    : ValueTask.FromResult(MessageResult.Success);
                })
                .Build(),
            configure: o => o.Host = h => h.Cloud = CloudProvider.Aws);

    public ValueTask DisposeAsync() => _host.DisposeAsync();

    private FunctionDefinition Function => _host.Manifest.Find("charge-payment")!;

    private ValueTask<LambdaAnswer> InvokeAsync(string payload, IDeadLetterSink? deadLetters = null) =>
        EventTriggerMapper.Answer(_host.Services.GetRequiredService<EventInvoker>(), deadLetters ?? _host.DeadLetters, Function, NullLogger.Instance)(
            new RuntimeInvocation("req-1", null, null, "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", null, null, Encoding.UTF8.GetBytes(payload)), CancellationToken.None);

    private static string Envelope(string id, string source = "inventory", string detail = "{}") =>
        $$"""{"version":"0","id":"{{id}}","detail-type":"inventory.reserved","source":"{{source}}","account":"123456789012","time":"2026-11-30T08:00:00Z","region":"us-east-1","resources":[],"detail":{{detail}}}""";

    private static string Text(LambdaAnswer answer) => Encoding.UTF8.GetString(answer.Response.Span);

    [Fact]
    public async Task RuleTarget_VendorSample_IsHandledAsTheEventItIs()
    {
        var sample = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "aws-eventbridge-event.json"));

        var answer = await InvokeAsync(sample);

        Assert.Null(answer.Error);
        Assert.Equal("""{"status":"succeeded"}""", Text(answer));
        var handled = Assert.Single(_handled);
        Assert.Equal(("6a7e8feb-b491-4cf7-a9f1-bf3703467718", "aws.ec2", "EC2 Instance State-change Notification"), (handled.Id, handled.Source, handled.DetailType));
        Assert.Equal(("111122223333", "us-west-1"), (handled.Account, handled.Region));
        Assert.Equal("terminated", handled.Detail.GetProperty("state").GetString());
    }

    [Fact]
    public async Task RuleTarget_ScheduledEventSample_IsAnEventForAnEventFunction_AndATickForAScheduleFunction()
    {
        var sample = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Samples, "aws-eventbridge-scheduled.json"));
        await using var schedule = new RecordingSchedule(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));

        var asEvent = await InvokeAsync(sample);
        var asTick = await ScheduleTriggerMapper.Answer(schedule.Host.ScheduleInvoker, schedule.Host.Clock, schedule.Function, NullLogger.Instance)(
            new RuntimeInvocation("req-2", null, null, null, null, null, Encoding.UTF8.GetBytes(sample)), CancellationToken.None);

        Assert.Null(asEvent.Error);
        Assert.Equal(("aws.events", "Scheduled Event"), (_handled.Single().Source, _handled.Single().DetailType));
        Assert.Null(asTick.Error);
        Assert.Equal(DateTimeOffset.UnixEpoch, Assert.Single(schedule.Ticks).ScheduledTime);
        Assert.IsType<EventTriggerMapper>(LambdaTriggerMapper.Find(LambdaTriggerMapper.Default, Function.Trigger));
        Assert.IsType<ScheduleTriggerMapper>(LambdaTriggerMapper.Find(LambdaTriggerMapper.Default, schedule.Function.Trigger));
    }

    [Fact]
    public async Task RuleTarget_HandlerFails_AnswersTheErrorSoLambdaRetries()
    {
        var answer = await InvokeAsync(Envelope("e-1", detail: """{"fail":"transient"}"""));

        Assert.Equal(new LambdaError(EventTriggerMapper.FailedErrorType, "IOException: payment service down"), answer.Error);
        Assert.Empty(_host.DeadLetters.Received);
    }

    [Fact]
    public async Task RuleTarget_PermanentFailure_DeadLettersAndAnswersSoLambdaDoesNotRetry()
    {
        var answer = await InvokeAsync(Envelope("e-dead", detail: """{"fail":"permanent"}"""));

        Assert.Null(answer.Error);
        Assert.Equal("""{"status":"dead-lettered"}""", Text(answer));
        var letter = Assert.Single(_host.DeadLetters.Received);
        Assert.Equal(("e-dead", "on-inventory-reserved", "order does not exist"), (letter.Message.Id, letter.Message.Source, letter.Reason));
    }

    [Fact]
    public async Task RuleTarget_EventTheRuleDoesNotMatch_IsAcknowledgedWithoutRunning()
    {
        var answer = await InvokeAsync(Envelope("e-2", source: "payments"));

        Assert.Null(answer.Error);
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task RuleTarget_SameEventDeliveredAgain_RunsOnce()
    {
        await InvokeAsync(Envelope("e-3"));
        var again = await InvokeAsync(Envelope("e-3"));

        Assert.Null(again.Error);
        Assert.Single(_handled);
    }

    [Theory]
    [InlineData("""{"detail-type": "x", "source": "inventory"}""", "Not an EventBridge event: The EventBridge event has no string 'time'.")]
    [InlineData("not json", "Not an EventBridge event: The EventBridge event is not valid JSON")]
    public async Task RuleTarget_NotAnEvent_IsDeadLetteredWithTheReason(string payload, string reason)
    {
        var answer = await InvokeAsync(payload);

        Assert.Equal("""{"status":"dead-lettered"}""", Text(answer));
        var letter = Assert.Single(_host.DeadLetters.Received);
        Assert.StartsWith(reason, letter.Reason, StringComparison.Ordinal);
        Assert.Equal(("req-1", "on-inventory-reserved", payload), (letter.Message.Id, letter.Message.Source, Encoding.UTF8.GetString(letter.Message.Body.Span)));
        Assert.Empty(_handled);
    }

    [Fact]
    public async Task RuleTarget_NotAnEventAndNoDeadLetterSink_AnswersTheErrorInstead()
    {
        var answer = await InvokeAsync("[1, 2]", new UnconfiguredDeadLetterSink());

        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, answer.Error!.ErrorType);
    }

    [Fact]
    public async Task QueueTarget_BatchOfEvents_ReportsOnlyTheTransientFailureAndDeadLettersThePoison()
    {
        var batch = SqsEvents.Batch([
            MessageBuilder.Text(Envelope("e-ok"), "m0").From("on-inventory-reserved").WithDeliveryCount(2).Build(),
            MessageBuilder.Text(Envelope("e-flaky", detail: """{"fail":"transient"}"""), "m1").From("on-inventory-reserved").Build(),
            MessageBuilder.Text(Envelope("e-poison", detail: """{"fail":"permanent"}"""), "m2").From("on-inventory-reserved").Build(),
            MessageBuilder.Text("""{"not":"an event"}""", "m3").From("on-inventory-reserved").Build(),
        ]);

        var answer = await InvokeAsync(Encoding.UTF8.GetString(batch));

        Assert.Null(answer.Error);
        using var response = JsonDocument.Parse(answer.Response);
        Assert.Equal(["m1"], response.RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()));
        Assert.Equal(["e-ok", "e-flaky", "e-poison"], _handled.Select(e => e.Id));
        Assert.Equal(["e-poison", "m3"], _host.DeadLetters.Received.Select(d => d.Message.Id));
        Assert.StartsWith("Not an EventBridge event:", _host.DeadLetters.Received[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warmer_IsAnsweredWithoutRunning()
    {
        var answer = await InvokeAsync("""{"warmer": true}""");

        Assert.Equal("""{"status":"warm"}""", Text(answer));
        Assert.Empty(_handled);
    }

    [Fact]
    public void TryResolveHandler_EventFunction_PicksTheEventMapper()
    {
        Assert.True(LambdaBootstrap.TryResolveHandler("charge-payment", _host.Manifest, LambdaTriggerMapper.Default, out var function, out var mapper, out _));

        Assert.IsType<EventTrigger>(function.Trigger);
        Assert.IsType<EventTriggerMapper>(mapper);
    }
}
