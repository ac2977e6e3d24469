using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Deploy.CloudFormation;
using Portable.Deploy.EventBridge;

namespace Portable.Deploy.Tests.EventBridge;

/// <summary>
/// The EventBridge rules the choreographed order saga exports (what <c>deploy/aws/template.json</c> holds once
/// the app's manifest declares <see cref="OrderChoreography.AddOrderChoreography"/>): one function and rule per
/// handler, each rule matching exactly its trigger from <c>portable.orders</c> with an order id, so every event of the
/// chain reaches one function, and the end-of-order facts none.
/// </summary>
public sealed class OrderChoreographyRulesTests
{
    private static readonly FunctionManifest Manifest = new FunctionManifestBuilder().AddOrders().AddOrderChoreography().Build();

    [Fact]
    public void Generate_Choreography_OneRulePerHandlerOnItsTrigger()
    {
        var template = JsonNode.Parse(CloudFormationGenerator.Generate(Manifest).Content)!;

        var rules = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var handler in OrderChoreography.Handlers)
        {
            var name = OrderChoreography.FunctionName(handler);
            var function = template["Resources"]![CloudFormationGenerator.FunctionId(name)]!;
            Assert.Equal(name, function["Properties"]!["Handler"]!.GetValue<string>());
            var rule = template["Resources"]![EventBridgeRules.RuleId(name)]!["Properties"]!;
            Assert.Equal(name, rule["Name"]!.GetValue<string>());
            Assert.Equal(name, rule["Targets"]![0]!["Id"]!.GetValue<string>());
            rules[handler] = rule["EventPattern"]!.ToJsonString();
        }

        Assert.Equal(
            """{"source":["portable.orders"],"detail-type":["inventory.reserved"],"detail":{"orderId":[{"exists":true}]}}""",
            rules[OrderSaga.ChargePayment]);
        Assert.Equal(7, rules.Values.Distinct(StringComparer.Ordinal).Count());
    }

    // Regression: every function ran with the template's 30 s, less than a step's attempts within one delivery (three
    // attempts of 10 s and the waits of 1 and 2 s), so Lambda would stop a slow step between attempts.
    [Theory]
    [InlineData(OrderSaga.ReserveInventory, 38)] // 3 × 10 s + 1 s + 2 s, and the 5 s backstop
    [InlineData(OrderSaga.ChargePayment, 38)]
    [InlineData(OrderSaga.CreateShipment, 38)]
    [InlineData(OrderSaga.NotifyCustomer, 49)] // 4 × 10 s + 0.5 + 1 + 2 s + 5 s = 48.5 s, rounded up
    [InlineData(OrderSaga.ReleaseInventory, 38)] // a compensation takes its step's policy
    [InlineData(OrderSaga.RefundPayment, 38)]
    [InlineData(OrderSaga.CancelShipment, 38)]
    public void Generate_Choreography_EachFunctionTimeoutCoversItsStepsAttemptsInOneDelivery(string handler, int seconds)
    {
        var template = JsonNode.Parse(CloudFormationGenerator.Generate(Manifest).Content)!;

        var function = template["Resources"]![CloudFormationGenerator.FunctionId(OrderChoreography.FunctionName(handler))]!["Properties"]!;

        Assert.Equal(seconds, function["Timeout"]!.GetValue<int>());
        Assert.True(seconds > DeploymentOptions.StandardDefaults.TimeoutSeconds);
    }

    [Theory]
    [InlineData(OrderChoreography.OrderPlaced, OrderSaga.ReserveInventory)]
    [InlineData(OrderChoreography.InventoryReserved, OrderSaga.ChargePayment)]
    [InlineData(OrderChoreography.PaymentCharged, OrderSaga.CreateShipment)]
    [InlineData(OrderChoreography.ShipmentCreated, OrderSaga.NotifyCustomer)]
    [InlineData(OrderChoreography.InventoryReleaseRequested, OrderSaga.ReleaseInventory)]
    [InlineData(OrderChoreography.PaymentRefundRequested, OrderSaga.RefundPayment)]
    [InlineData(OrderChoreography.ShipmentCancelRequested, OrderSaga.CancelShipment)]
    [InlineData(OrderChoreography.PaymentDeclined, null)]
    [InlineData(OrderChoreography.ShipmentFailed, null)]
    [InlineData(OrderChoreography.CustomerNotified, null)]
    [InlineData(OrderChoreography.OrderCompleted, null)]
    [InlineData(OrderChoreography.OrderCompensated, null)]
    public void ExportedPatterns_RouteEachEventOfTheChain_ToAtMostItsOneHandler(string type, string? handler)
    {
        var template = JsonNode.Parse(CloudFormationGenerator.Generate(Manifest).Content)!;
        var @event = new PortableEvent
        {
            Id = "e1",
            Source = OrderChoreography.Source,
            DetailType = type,
            Time = DateTimeOffset.UnixEpoch,
            Detail = JsonDocument.Parse("""{"orderId":"o-1"}""").RootElement.Clone(),
        };
        using var envelope = JsonDocument.Parse(@event.ToEnvelopeUtf8());

        var matched = OrderChoreography.Handlers.Where(h =>
        {
            var name = OrderChoreography.FunctionName(h);
            var pattern = template["Resources"]![EventBridgeRules.RuleId(name)]!["Properties"]!["EventPattern"]!;
            return Core.Events.Routing.EventPattern.Parse(pattern.ToJsonString()).Matches(envelope.RootElement);
        }).ToList();

        Assert.Equal(handler is null ? [] : [handler], matched);
    }
}
