using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;

namespace Portable.Testing.Tests.Hosting;

/// <summary>The test host's event bus: what functions publish is kept and routed to the event functions whose rules match, chains included.</summary>
public sealed class FunctionTestHostEventTests
{
    private readonly List<string> _runs = [];
    private int _shippingFailures = 1;

    private static PortableEvent Event(string detailType, string orderId) => new()
    {
        Id = $"{detailType}/{orderId}",
        Source = "orders",
        DetailType = detailType,
        Time = DateTimeOffset.UnixEpoch,
        Detail = JsonDocument.Parse($$"""{"orderId": "{{orderId}}"}""").RootElement.Clone(),
    };

    // order.placed (HTTP) → reserve-inventory publishes inventory.reserved → ship-order fails once, then succeeds.
    private FunctionTestHost Host() => new(new FunctionManifestBuilder()
        .AddHttp("orders-api", r => r.Map("POST", "/orders/{id}", services =>
        {
            var bus = services.GetRequiredService<IEventPublisher>();
            return async (request, _, ct) =>
            {
                await bus.PublishAsync(Event("order.placed", request.RouteValues["id"]), ct);
                return PortableHttpResponse.Empty(202);
            };
        }))
        .AddEventFunction("reserve-inventory", "on-order-placed", """{"detail-type": ["order.placed"]}""", services =>
        {
            var bus = services.GetRequiredService<IEventPublisher>();
            return async (e, ctx, ct) =>
            {
                _runs.Add($"{ctx.FunctionName}#{ctx.DeliveryCount}");
                await bus.PublishAsync(Event("inventory.reserved", e.Detail.GetProperty("orderId").GetString()!), ct);
                return MessageResult.Success;
            };
        })
        .AddEventFunction("ship-order", "on-inventory-reserved", """{"detail-type": ["inventory.reserved"]}""", (_, ctx, _) =>
        {
            _runs.Add($"{ctx.FunctionName}#{ctx.DeliveryCount}");
            return ValueTask.FromResult(_shippingFailures-- > 0 ? MessageResult.Retry("carrier busy") : MessageResult.Success);
        })
        .AddEventFunction("audit", "audit-orders", """{"source": ["orders"]}""", (e, ctx, _) =>
        {
            _runs.Add($"{ctx.FunctionName}:{e.DetailType}");
            return ValueTask.FromResult(MessageResult.Success);
        })
        .Build());

    [Fact]
    public async Task DeliverPublishedEventsAsync_FollowsTheChainAndRetriesOnlyTheFunctionThatAskedForIt()
    {
        await using var host = Host();
        Assert.Equal(202, (await host.SendAsync(HttpRequestBuilder.Post("/orders/o-1").WithJson("{}"))).StatusCode);

        var deliveries = await host.DeliverPublishedEventsAsync();

        Assert.Equal(5, deliveries);
        Assert.Equal(["reserve-inventory#1", "audit:order.placed", "ship-order#1", "ship-order#2", "audit:inventory.reserved"], _runs);
        Assert.Equal(["order.placed/o-1", "inventory.reserved/o-1"], host.EventBus.Published.Select(e => e.Id));
        Assert.Equal(0, host.EventBus.PendingCount);
        Assert.IsType<Portable.Testing.Messaging.InMemoryEventBus>(host.Services.GetRequiredService<IEventPublisher>());
    }

    [Fact]
    public async Task DeliverPublishedEventsAsync_RetriesStopAtTheMaximum()
    {
        _shippingFailures = int.MaxValue;
        await using var host = Host();
        await host.EventBus.PublishAsync(Event("inventory.reserved", "o-2"));

        await host.DeliverPublishedEventsAsync(maxDeliveries: 3);

        Assert.Equal(["ship-order#1", "ship-order#2", "ship-order#3", "audit:inventory.reserved"], _runs);
    }

    [Fact]
    public async Task DeliverEventAsync_RoutesOneEventAndReportsEachFunction()
    {
        await using var host = Host();

        var deliveries = await host.DeliverEventAsync(Event("order.placed", "o-3"));

        Assert.Equal(["reserve-inventory", "audit"], deliveries.Select(d => d.Function));
        Assert.Equal(1, host.EventBus.PendingCount); // what reserve-inventory published waits on the bus
    }
}
