using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Idempotency;
using Portable.Core.Invocation;
using Portable.Core.Messaging;
using Portable.Testing;
using static Portable.Core.Tests.Events.EventTestKit;

namespace Portable.Core.Tests.Idempotency;

/// <summary>The idempotency middleware on event functions: keyed by function and event id (or the function's own key).</summary>
public sealed class EventIdempotencyTests
{
    private const string Reserved = """{"source": ["inventory"], "detail-type": ["inventory.reserved"]}""";
    private readonly List<string> _runs = [];

    private static string? OrderAndType(PortableEvent e) =>
        e.Detail.TryGetProperty("orderId", out var id) ? $"{id.GetString()}/{e.DetailType}" : null;

    private FunctionTestHost Host(EventTriggerOptions? options = null, bool? processSwitchOff = null, Func<int, MessageResult>? answer = null) =>
        new(
            new FunctionManifestBuilder()
                .AddEventFunction("charge-payment", "on-inventory-reserved", Reserved, (e, ctx, _) => Run(ctx, e, answer), options)
                .AddEventFunction("audit-inventory", "audit-inventory", """{"source": ["inventory"]}""", (e, ctx, _) => Run(ctx, e, answer))
                .Build(),
            configure: o =>
            {
                if (processSwitchOff is { } off)
                {
                    o.Host = h => h.MessageIdempotencyDisabled = off;
                }
            });

    private ValueTask<MessageResult> Run(FunctionContext context, PortableEvent e, Func<int, MessageResult>? answer)
    {
        lock (_runs)
        {
            _runs.Add($"{context.FunctionName}:{e.Id}");
            return ValueTask.FromResult(answer?.Invoke(_runs.Count) ?? MessageResult.Success);
        }
    }

    private static EventInvoker Invoker(FunctionTestHost host) => host.Services.GetRequiredService<EventInvoker>();

    private static ValueTask<EventDelivery> Deliver(FunctionTestHost host, PortableEvent e, int deliveryCount = 1) =>
        Invoker(host).InvokeAsync(Invoker(host).GetFunction("charge-payment"), e, default, deliveryCount);

    private static PortableEvent Reservation(string id, string detail = """{"orderId": "o-1", "total": 10.5}""", int minute = 0) =>
        Event("inventory", "inventory.reserved", detail, id) with { Time = new DateTimeOffset(2026, 1, 2, 3, minute, 0, TimeSpan.Zero) };

    [Fact]
    public async Task SameEventIdDeliveredTwice_HandlerRunsOnceAndTheCopyIsAcknowledged()
    {
        await using var host = Host();

        var first = await Deliver(host, Reservation("e-1"));
        var again = await Deliver(host, Reservation("e-1"), deliveryCount: 2);

        Assert.Equal(MessageOutcome.Success, first.Outcome);
        Assert.Equal(new EventDelivery("charge-payment", MessageOutcome.Success, null), again);
        Assert.Equal(["charge-payment:e-1"], _runs);
        Assert.NotNull(await host.Store.GetAsync(IdempotencyRecords.Collection, "charge-payment:evt:e-1"));
    }

    [Fact]
    public async Task RoutedTwice_EachFunctionRunsOnceForTheEvent()
    {
        await using var host = Host();

        var first = await Invoker(host).RouteAsync(Reservation("e-1"), default);
        var second = await Invoker(host).RouteAsync(Reservation("e-1"), default, deliveryCount: 2);

        Assert.Equal(["charge-payment:e-1", "audit-inventory:e-1"], _runs);
        Assert.All(first.Concat(second), d => Assert.Equal(MessageOutcome.Success, d.Outcome));
        Assert.NotNull(await host.Store.GetAsync(IdempotencyRecords.Collection, "audit-inventory:evt:e-1"));
    }

    [Fact]
    public async Task DifferentIdsSameContent_BothRunByDefault()
    {
        await using var host = Host();

        await Deliver(host, Reservation("e-1"));
        await Deliver(host, Reservation("e-2"));

        Assert.Equal(["charge-payment:e-1", "charge-payment:e-2"], _runs);
    }

    [Fact]
    public async Task ContentKey_CopyRepublishedUnderANewIdAndTime_IsADuplicateNotAConflict()
    {
        await using var host = Host(new EventTriggerOptions { IdempotencyKey = OrderAndType });

        await Deliver(host, Reservation("e-1"));
        var copy = await Deliver(host, Reservation("e-9", """{"total": 10.50, "orderId": "o-1"}""", minute: 5));
        await Deliver(host, Reservation("e-3", """{"orderId": "o-2", "total": 1}"""));

        Assert.Equal(MessageOutcome.Success, copy.Outcome);
        Assert.Equal(["charge-payment:e-1", "charge-payment:e-3"], _runs);
        Assert.NotNull(await host.Store.GetAsync(IdempotencyRecords.Collection, "charge-payment:evt:o-1/inventory.reserved"));
        Assert.Empty(host.DeadLetters.Received);
    }

    [Fact]
    public async Task ContentKey_SameKeyDifferentDetail_DeadLetteredAsAConflict()
    {
        await using var host = Host(new EventTriggerOptions { IdempotencyKey = OrderAndType });

        await Deliver(host, Reservation("e-1"));
        var conflict = await Deliver(host, Reservation("e-2", """{"orderId": "o-1", "total": 99}"""));

        Assert.Equal(MessageOutcome.DeadLetter, conflict.Outcome);
        Assert.Equal("Conflict: idempotency key 'o-1/inventory.reserved' was already used with a different payload.", conflict.Reason);
        var letter = Assert.Single(host.DeadLetters.Received);
        Assert.Equal("e-2", letter.Message.Id);
        Assert.Equal("on-inventory-reserved", letter.Message.Source);
        Assert.Single(_runs);
    }

    [Fact]
    public async Task KeySelectorReturnsNull_FallsBackToTheEventId()
    {
        await using var host = Host(new EventTriggerOptions { IdempotencyKey = OrderAndType });

        await Deliver(host, Reservation("e-1", "{}"));
        await Deliver(host, Reservation("e-1", "{}"));
        await Deliver(host, Reservation("e-2", "{}"));

        Assert.Equal(["charge-payment:e-1", "charge-payment:e-2"], _runs);
    }

    [Fact]
    public async Task FailedAttempt_ReleasesItsClaim_SoTheRedeliveryRunsAgain()
    {
        await using var host = Host(answer: run => run == 1 ? MessageResult.Retry("payment service busy") : MessageResult.Success);

        var failed = await Deliver(host, Reservation("e-1"));
        var retried = await Deliver(host, Reservation("e-1"), deliveryCount: 2);
        var duplicate = await Deliver(host, Reservation("e-1"), deliveryCount: 3);

        Assert.Equal(MessageOutcome.Retry, failed.Outcome);
        Assert.Equal(MessageOutcome.Success, retried.Outcome);
        Assert.Equal(MessageOutcome.Success, duplicate.Outcome);
        Assert.Equal(["charge-payment:e-1", "charge-payment:e-1"], _runs);
    }

    [Fact]
    public async Task DisabledForTheFunction_EveryDeliveryRuns()
    {
        await using var host = Host(new EventTriggerOptions { DisableIdempotency = true });

        await Deliver(host, Reservation("e-1"));
        await Deliver(host, Reservation("e-1"));

        Assert.Equal(["charge-payment:e-1", "charge-payment:e-1"], _runs);
        Assert.Null(await host.Store.GetAsync(IdempotencyRecords.Collection, "charge-payment:evt:e-1"));
    }

    [Fact]
    public async Task ProcessSwitchOff_EveryDeliveryRuns()
    {
        await using var host = Host(processSwitchOff: true);

        await Deliver(host, Reservation("e-1"));
        await Deliver(host, Reservation("e-1"));

        Assert.Equal(2, _runs.Count);
    }

    [Fact]
    public void AppliesTo_EventFunctionsUnlessTurnedOff()
    {
        var on = new FunctionDefinition("on", new EventTrigger("rule-on", Portable.Core.Events.Routing.EventPattern.Parse(Reserved), _ => (_, _, _) => ValueTask.FromResult(MessageResult.Success)));
        var off = new FunctionDefinition("off", new EventTrigger("rule-off", Portable.Core.Events.Routing.EventPattern.Parse(Reserved), _ => (_, _, _) => ValueTask.FromResult(MessageResult.Success)) { Options = new EventTriggerOptions { DisableIdempotency = true } });

        Assert.True(MessageIdempotencyMiddleware.AppliesTo(new FunctionContextBuilder().ForFunction(on).WithInput(Reservation("e-1")).Build()));
        Assert.False(MessageIdempotencyMiddleware.AppliesTo(new FunctionContextBuilder().ForFunction(off).WithInput(Reservation("e-1")).Build()));
    }
}
