using System.Text.Json;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using static Portable.Core.Tests.Events.EventTestKit;

namespace Portable.Core.Tests.Events.Routing;

public sealed class EventRouterTests
{
    private static readonly PortableEventHandler Ok = (_, _, _) => ValueTask.FromResult(MessageResult.Success);

    /// <summary>The choreographed saga's wiring: each step reacts to the event before it.</summary>
    private static FunctionManifest Choreography() => new FunctionManifestBuilder()
        .AddEventFunction("charge-payment", "on-inventory-reserved", """{"source": ["inventory"], "detail-type": ["inventory.reserved"]}""", Ok)
        .AddEventFunction("release-inventory", "on-payment-declined", """{"detail-type": ["payment.declined", "shipment.failed"]}""", Ok)
        .AddEventFunction("audit", "on-everything", """{"source": [{"exists": true}]}""", Ok)
        .AddEventFunction("big-orders", "on-big-reservation", """{"detail-type": [{"suffix": ".reserved"}], "detail": {"total": [{"numeric": [">=", 1000]}]}}""", Ok)
        .AddQueue("queue-fn", "orders", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
        .Build();

    [Fact]
    public void MatchingFunctions_EventSeveralRulesMatch_NamesThemInDeclarationOrder()
    {
        var router = new EventRouter(Choreography());

        var names = router.MatchingFunctions(Event("inventory", "inventory.reserved", """{"orderId": "o-1", "total": 1500}"""));

        Assert.Equal(["charge-payment", "audit", "big-orders"], names);
    }

    [Fact]
    public void MatchingFunctions_ContentDecides_ASmallReservationSkipsTheBigOrderRule()
    {
        var router = new EventRouter(Choreography());

        Assert.Equal(["charge-payment", "audit"], router.MatchingFunctions(Event("inventory", "inventory.reserved", """{"total": 20}""")));
        Assert.Equal(["release-inventory", "audit"], router.MatchingFunctions(Event("payments", "payment.declined")));
    }

    [Fact]
    public void Route_EnvelopeFromEventBridge_MatchesTheSameFunctions()
    {
        var router = new EventRouter(Choreography());
        using var envelope = JsonDocument.Parse("""
            {"version":"0","id":"x","detail-type":"shipment.failed","source":"shipping","account":"1","time":"2026-01-01T00:00:00Z","region":"eu-west-1","resources":[],"detail":{}}
            """);

        var functions = router.Route(envelope.RootElement);

        Assert.Equal(["release-inventory", "audit"], functions.Select(f => f.Name));
    }

    [Fact]
    public void Route_NoRuleMatches_ReturnsNothing()
    {
        var router = new EventRouter(new FunctionManifestBuilder()
            .AddEventFunction("charge-payment", "on-inventory-reserved", """{"detail-type": ["inventory.reserved"]}""", Ok).Build());

        Assert.Empty(router.Route(Event("orders", "order.placed")));
    }

    [Fact]
    public void Rules_ListOnlyEventFunctionsWithTheirTriggers()
    {
        var router = new EventRouter(Choreography());

        Assert.Equal(
            ["charge-payment/on-inventory-reserved", "release-inventory/on-payment-declined", "audit/on-everything", "big-orders/on-big-reservation"],
            router.Rules.Select(r => $"{r.Function.Name}/{r.Trigger.Rule}"));
    }

    [Fact]
    public void Constructor_TwoFunctionsWithOneRuleName_IsRefused()
    {
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("first", "on-order", """{"source": ["orders"]}""", Ok)
            .AddEventFunction("second", "on-order", """{"source": ["orders"]}""", Ok)
            .Build();

        var error = Assert.Throws<ArgumentException>(() => new EventRouter(manifest));

        Assert.StartsWith("Rule 'on-order' is declared by both 'first' and 'second'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MatchingFunctions_RuleOnTheEnvelopeFields_SeesTimeRegionAndResources()
    {
        var router = new EventRouter(new FunctionManifestBuilder()
            .AddEventFunction("eu-only", "eu-resources", """{"region": [{"prefix": "eu-"}], "time": [{"prefix": "2026-01-02"}], "resources": [{"wildcard": "arn:*:table/orders"}]}""", Ok)
            .Build());
        var e = Event("orders", "order.placed") with { Region = "eu-west-1", Resources = ["arn:aws:dynamodb:eu-west-1:1:table/orders"] };

        Assert.Equal(["eu-only"], router.MatchingFunctions(e));
        Assert.Empty(router.MatchingFunctions(e with { Region = "us-east-1" }));
        Assert.Empty(router.MatchingFunctions(e with { Region = null }));
    }
}
