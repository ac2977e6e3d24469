using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Deploy.CloudFormation;
using Portable.Deploy.EventBridge;
using Portable.TestKit;

namespace Portable.Deploy.Tests.EventBridge;

/// <summary>
/// The EventBridge rules in the CloudFormation template of a manifest with event functions (the routing scenario every
/// host runs): one rule per event function with the pattern exactly as declared, its dead-letter queue wired three
/// ways; and the exported patterns route the scenario's events to the same functions as the manifest's router. The
/// template as a whole passes AWS's validator in <c>CloudFormationValidationTests</c>.
/// </summary>
public sealed class EventBridgeRulesTests
{
    private static readonly RoutingScenario Scenario = new();

    private static JsonNode Template() => JsonNode.Parse(CloudFormationGenerator.Generate(Scenario.Manifest).Content)!;

    private static JsonObject Resource(JsonNode template, string id) =>
        template["Resources"]![id]?.AsObject() ?? throw new InvalidOperationException($"No resource {id}.");

    [Fact]
    public void Generate_EventFunctions_OneRulePerFunctionWithThePatternAsDeclared()
    {
        var template = Template();
        foreach (var (function, trigger) in Scenario.Manifest.FunctionsOf<EventTrigger>())
        {
            var rule = Resource(template, EventBridgeRules.RuleId(trigger.Rule))["Properties"]!;
            Assert.Equal(trigger.Rule, rule["Name"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(trigger.Pattern.Json), rule["EventPattern"]), $"{trigger.Rule}'s pattern changed on export.");
            Assert.Equal(EventBridgeRules.BusParameter, rule["EventBusName"]!["Ref"]!.GetValue<string>());
            var target = rule["Targets"]![0]!;
            Assert.Equal(function.Name, target["Id"]!.GetValue<string>());
            Assert.Equal(CloudFormationGenerator.FunctionId(function.Name), target["Arn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
            Assert.Equal(185, target["RetryPolicy"]!["MaximumRetryAttempts"]!.GetValue<int>());
            Assert.Equal(86400, target["RetryPolicy"]!["MaximumEventAgeInSeconds"]!.GetValue<int>());

            var queueId = EventBridgeRules.DeadLetterQueueId(trigger.Rule);
            Assert.Equal($"{trigger.Rule}-dlq", Resource(template, queueId)["Properties"]!["QueueName"]!.GetValue<string>());
            Assert.Equal(queueId, target["DeadLetterConfig"]!["Arn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
            var lambda = Resource(template, CloudFormationGenerator.FunctionId(function.Name))["Properties"]!;
            Assert.Equal(queueId, lambda["DeadLetterConfig"]!["TargetArn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
            Assert.Equal(EventBridgeRules.BusParameter, lambda["Environment"]!["Variables"]!["PORTABLE_EVENTBRIDGE_BUS"]!["Ref"]!.GetValue<string>());
            var invoke = Resource(template, Cfn.LogicalId(function.Name) + "EventInvokeConfig")["Properties"]!;
            Assert.Equal(2, invoke["MaximumRetryAttempts"]!.GetValue<int>());
            var policy = Resource(template, queueId + "Policy")["Properties"]!["PolicyDocument"]!["Statement"]![0]!;
            Assert.Equal("events.amazonaws.com", policy["Principal"]!["Service"]!.GetValue<string>());
            Assert.Equal(EventBridgeRules.RuleId(trigger.Rule), policy["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
            var permission = Resource(template, Cfn.LogicalId(function.Name) + "EventPermission")["Properties"]!;
            Assert.Equal("events.amazonaws.com", permission["Principal"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Generate_ExportedPatterns_RouteTheScenariosEventsAsTheManifestDoes()
    {
        var template = Template();
        var exported = template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::Events::Rule")
            .Select(r => (Function: r.Value!["Properties"]!["Targets"]![0]!["Id"]!.GetValue<string>(), Pattern: EventPattern.Parse(r.Value!["Properties"]!["EventPattern"]!.ToJsonString())))
            .ToList();
        var router = new EventRouter(Scenario.Manifest);

        using var events = JsonDocument.Parse(RoutingScenario.Events);
        var matchedSomewhere = 0;
        foreach (var item in events.RootElement.EnumerateArray())
        {
            var @event = new PortableEvent
            {
                Id = "e",
                Source = item.GetProperty("source").GetString()!,
                DetailType = item.GetProperty("detail-type").GetString()!,
                Time = DateTimeOffset.UnixEpoch,
                Detail = item.GetProperty("detail").Clone(),
            };
            var envelope = @event.ToEnvelopeUtf8();
            var fromFile = exported.Where(r => r.Pattern.Matches(envelope)).Select(r => r.Function).Order(StringComparer.Ordinal);
            var fromManifest = router.MatchingFunctions(@event).Order(StringComparer.Ordinal);
            Assert.Equal(fromManifest, fromFile);
            matchedSomewhere += fromManifest.Any() ? 1 : 0;
        }

        Assert.Equal(5, matchedSomewhere);
    }

    [Fact]
    public void Generate_NoEventFunctions_NoRuleAndNoBusParameter()
    {
        var manifest = new FunctionManifestBuilder().AddQueue("ledger", "payments", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build();
        var template = JsonNode.Parse(CloudFormationGenerator.Generate(manifest).Content)!;

        Assert.DoesNotContain(template["Resources"]!.AsObject(), r => r.Value!["Type"]!.GetValue<string>() == "AWS::Events::Rule");
        Assert.Null(template["Parameters"]![EventBridgeRules.BusParameter]);
    }

    [Fact]
    public void Generate_RuleDeclaredTwice_IsRefused()
    {
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("a", "on-orders", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .AddEventFunction("b", "on-orders", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();

        Assert.Throws<ArgumentException>(() => CloudFormationGenerator.Generate(manifest));
    }

    [Theory]
    [InlineData("on-inventory-reserved", "OnInventoryReserved")]
    [InlineData("charge-payment", "ChargePayment")]
    [InlineData("audit2-big_orders.v1", "Audit2BigOrdersV1")]
    public void LogicalId_CapitalisesAndJoinsTheWords(string name, string id) => Assert.Equal(id, Cfn.LogicalId(name));
}
