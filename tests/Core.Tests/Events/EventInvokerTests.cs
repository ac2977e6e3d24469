using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Testing;
using static Portable.Core.Tests.Events.EventTestKit;

namespace Portable.Core.Tests.Events;

public sealed class EventInvokerTests
{
    private const string Reserved = """{"source": ["inventory"], "detail-type": ["inventory.reserved"]}""";

    private static FunctionTestHost Host(PortableEventHandler handler, Action<FunctionTestHostOptions>? configure = null) =>
        new(new FunctionManifestBuilder().AddEventFunction("charge-payment", "on-inventory-reserved", Reserved, handler).Build(), configure: configure);

    private static EventInvoker Invoker(FunctionTestHost host) => host.Services.GetRequiredService<EventInvoker>();

    private static ValueTask<EventDelivery> Deliver(FunctionTestHost host, PortableEvent e, InvocationInfo info = default, int deliveryCount = 1) =>
        Invoker(host).InvokeAsync(Invoker(host).GetFunction("charge-payment"), e, info, deliveryCount);

    [Fact]
    public async Task InvokeAsync_MatchingEvent_RunsTheHandlerWithTheEventAndContext()
    {
        PortableEvent? seen = null;
        FunctionContext? context = null;
        await using var host = Host((e, ctx, _) =>
        {
            seen = e;
            context = ctx;
            return ValueTask.FromResult(MessageResult.Success);
        });
        var reserved = Event("inventory", "inventory.reserved", """{"orderId": "o-1"}""", id: "e-1");

        var delivery = await Deliver(host, reserved, new InvocationInfo(InvocationId: "req-9"), deliveryCount: 3);

        Assert.Equal(new EventDelivery("charge-payment", MessageOutcome.Success, null), delivery);
        Assert.Same(reserved, seen);
        Assert.Equal("charge-payment", context!.FunctionName);
        Assert.Equal("req-9/e-1", context.InvocationId);
        Assert.Equal(3, context.DeliveryCount);
    }

    [Fact]
    public async Task InvokeAsync_EventTheRuleDoesNotMatch_IsAcknowledgedWithoutRunning()
    {
        var runs = 0;
        await using var host = Host((_, _, _) =>
        {
            runs++;
            return ValueTask.FromResult(MessageResult.Success);
        });

        var delivery = await Deliver(host, Event("inventory", "inventory.released"));

        Assert.Equal(0, runs);
        Assert.Equal(MessageOutcome.Success, delivery.Outcome);
        Assert.Equal("Not run: the event does not match rule 'on-inventory-reserved'.", delivery.Reason);
        Assert.Single(host.Logs.WithEventId(8004));
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_IsRetriedWithTheFaultAndLogged()
    {
        await using var host = Host((_, _, _) => throw new TimeoutException("payment service slow"));

        var delivery = await Deliver(host, Event("inventory", "inventory.reserved"), deliveryCount: 2);

        Assert.Equal(new EventDelivery("charge-payment", MessageOutcome.Retry, "TimeoutException: payment service slow"), delivery);
        var logged = Assert.Single(host.Logs.WithEventId(8001));
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Equal(2, logged.Values["DeliveryCount"]);
        Assert.Empty(host.DeadLetters.Received);
    }

    [Fact]
    public async Task InvokeAsync_PermanentFailure_IsDeadLetteredWithTheEnvelopeAsBody()
    {
        await using var host = Host((_, _, _) => throw new PermanentFailureException("order o-1 does not exist"));
        var reserved = Event("inventory", "inventory.reserved", """{"orderId": "o-1"}""", id: "e-dead", attributes: new Dictionary<string, string> { ["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" });

        var delivery = await Deliver(host, reserved, deliveryCount: 4);

        Assert.Equal(new EventDelivery("charge-payment", MessageOutcome.DeadLetter, "order o-1 does not exist"), delivery);
        var letter = Assert.Single(host.DeadLetters.Received);
        Assert.Equal("order o-1 does not exist", letter.Reason);
        Assert.Equal("e-dead", letter.Message.Id);
        Assert.Equal("on-inventory-reserved", letter.Message.Source);
        Assert.Equal(4, letter.Message.DeliveryCount);
        Assert.Equal(reserved.Attributes["traceparent"], letter.Message.Attributes["traceparent"]);
        var body = PortableEvent.FromEnvelope(letter.Message.Body.Span);
        Assert.Equal("e-dead", body.Id);
        Assert.Equal("o-1", body.Detail.GetProperty("orderId").GetString());
        Assert.Single(host.Logs.WithEventId(8002));
    }

    [Fact]
    public async Task InvokeAsync_HandlerAnswersDeadLetter_IsDeadLetteredToo()
    {
        await using var host = Host((_, _, _) => ValueTask.FromResult(MessageResult.DeadLetter("malformed order")));

        var delivery = await Deliver(host, Event("inventory", "inventory.reserved"));

        Assert.Equal(MessageOutcome.DeadLetter, delivery.Outcome);
        Assert.Equal("malformed order", Assert.Single(host.DeadLetters.Received).Reason);
    }

    [Fact]
    public async Task InvokeAsync_DeadLetterSinkRefuses_IsRetriedInstead()
    {
        await using var host = Host((_, _, _) => throw new PermanentFailureException("bad data"));
        host.DeadLetters.FailWith = new InvalidOperationException("dlq unreachable");

        var delivery = await Deliver(host, Event("inventory", "inventory.reserved"));

        Assert.Equal(MessageOutcome.Retry, delivery.Outcome);
        Assert.Equal("Could not dead-letter (bad data): dlq unreachable", delivery.Reason);
        Assert.Single(host.Logs.WithEventId(8003));
    }

    [Fact]
    public async Task InvokeAsync_DeadlinePasses_CancelsTheHandlerAndRetries()
    {
        var started = new TaskCompletionSource();
        await using var host = Host(async (_, _, ct) =>
        {
            started.SetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return MessageResult.Success;
        });

        var pending = Deliver(host, Event("inventory", "inventory.reserved"), new InvocationInfo(Deadline: host.Clock.GetUtcNow().AddSeconds(3)));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        host.Clock.Advance(TimeSpan.FromSeconds(4));

        var delivery = await pending.AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(new EventDelivery("charge-payment", MessageOutcome.Retry, "The function did not finish before its deadline."), delivery);
    }

    [Fact]
    public async Task InvokeAsync_TraceParentOnTheEvent_IsTheInvocationsParent()
    {
        string? traceParent = null;
        await using var host = Host((_, ctx, _) =>
        {
            traceParent = ctx.TraceParent;
            return ValueTask.FromResult(MessageResult.Success);
        });
        const string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        await Deliver(host, Event("inventory", "inventory.reserved", attributes: new Dictionary<string, string> { ["traceparent"] = parent }), new InvocationInfo(TraceParent: "00-11111111111111111111111111111111-2222222222222222-01"));

        Assert.Equal(parent, traceParent);
    }

    [Fact]
    public async Task InvokeAsync_FunctionThatIsNotEventTriggered_IsRefused()
    {
        await using var host = new FunctionTestHost(new FunctionManifestBuilder()
            .AddQueue("queue-fn", "orders", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build());
        var invoker = Invoker(host);

        var unknown = Assert.Throws<ArgumentException>(() => invoker.GetFunction("queue-fn"));
        var wrong = await Assert.ThrowsAsync<ArgumentException>(() => invoker.InvokeAsync(host.Manifest.Find("queue-fn")!, Event("a", "b"), default).AsTask());

        Assert.StartsWith("'queue-fn' is not an event function in the manifest.", unknown.Message, StringComparison.Ordinal);
        Assert.StartsWith("Function 'queue-fn' is not event-triggered.", wrong.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RouteAsync_EventManyRulesMatch_DeliversToEachAndReportsEachOutcome()
    {
        var ran = new List<string>();
        await using var host = new FunctionTestHost(new FunctionManifestBuilder()
            .AddEventFunction("charge-payment", "on-inventory-reserved", Reserved, (e, ctx, _) =>
            {
                ran.Add(ctx.FunctionName);
                return ValueTask.FromResult(MessageResult.Success);
            })
            .AddEventFunction("flaky-audit", "audit-inventory", """{"source": ["inventory"]}""", (_, ctx, _) =>
            {
                ran.Add(ctx.FunctionName);
                throw new IOException("audit store down");
            })
            .AddEventFunction("notify-shipping", "on-shipment", """{"detail-type": ["shipment.created"]}""", (_, ctx, _) =>
            {
                ran.Add(ctx.FunctionName);
                return ValueTask.FromResult(MessageResult.Success);
            })
            .AddEventFunction("big-orders", "on-big-reservation", """{"detail": {"total": [{"numeric": [">=", 1000]}]}}""", (_, ctx, _) =>
            {
                ran.Add(ctx.FunctionName);
                return ValueTask.FromResult(MessageResult.Success);
            })
            .Build());

        var deliveries = await Invoker(host).RouteAsync(Event("inventory", "inventory.reserved", """{"total": 1200}"""), default);

        Assert.Equal(["charge-payment", "flaky-audit", "big-orders"], ran);
        Assert.Equal(
            [
                new EventDelivery("charge-payment", MessageOutcome.Success, null),
                new EventDelivery("flaky-audit", MessageOutcome.Retry, "IOException: audit store down"),
                new EventDelivery("big-orders", MessageOutcome.Success, null),
            ],
            deliveries);
    }

    [Fact]
    public async Task RouteAsync_NoRuleMatches_DeliversNothingAndLogsIt()
    {
        var runs = 0;
        await using var host = Host((_, _, _) =>
        {
            runs++;
            return ValueTask.FromResult(MessageResult.Success);
        });

        var deliveries = await Invoker(host).RouteAsync(Event("orders", "order.placed"), default);

        Assert.Empty(deliveries);
        Assert.Equal(0, runs);
        Assert.Single(host.Logs.WithEventId(8005));
    }
}
