using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Deploy.EventBridge;
using Portable.TestKit;

namespace Portable.Deploy.Tests.EventBridge;

/// <summary>
/// The EventBridge rules exported from a manifest (the routing scenario every host runs): one SAM function per event
/// function with its rule, the pattern exactly as declared, the rule's dead-letter queue; valid by AWS SAM's own
/// schema (../shared/schemas/sam.schema.json, checked with JsonSchema.Net, and the check bites); and the exported
/// patterns route the scenario's events to the same functions as the manifest's router.
/// </summary>
public sealed class EventBridgeRulesGeneratorTests
{
    private static readonly Lazy<JsonSchema> SamSchema = new(() =>
    {
        var path = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "schemas", "sam.schema.json"));
        Assert.True(File.Exists(path), $"The SAM schema is expected at {path} (../shared beside the repository).");
        // A draft-04 file (schemas/SOURCES.md); the keywords it uses mean the same in draft-07, which JsonSchema.Net reads.
        var text = File.ReadAllText(path).Replace("http://json-schema.org/draft-04/schema#", "http://json-schema.org/draft-07/schema#", StringComparison.Ordinal);
        return JsonSchema.FromText(text);
    });

    private static readonly RoutingScenario Scenario = new();

    private static JsonNode Template() => JsonNode.Parse(Assert.Single(EventBridgeRulesGenerator.Generate(Scenario.Manifest)).Content)!;

    private static JsonObject Resource(JsonNode template, string id) => template["Resources"]![id]!.AsObject();

    [Fact]
    public void Generate_EventFunctions_OneFunctionPerRuleWithThePatternAsDeclared()
    {
        var file = Assert.Single(EventBridgeRulesGenerator.Generate(Scenario.Manifest));
        var template = JsonNode.Parse(file.Content)!;

        Assert.Equal("aws/event-rules.sam.json", file.Path);
        Assert.EndsWith("}\n", file.Content, StringComparison.Ordinal);
        Assert.Equal("AWS::Serverless-2016-10-31", template["Transform"]!.GetValue<string>());
        foreach (var (function, trigger) in Scenario.Manifest.FunctionsOf<EventTrigger>())
        {
            var resource = Resource(template, EventBridgeRulesGenerator.LogicalId(function.Name) + "Function");
            Assert.Equal("AWS::Serverless::Function", resource["Type"]!.GetValue<string>());
            Assert.Equal(function.Name, resource["Properties"]!["Handler"]!.GetValue<string>());
            var rule = resource["Properties"]!["Events"]![EventBridgeRulesGenerator.LogicalId(trigger.Rule)]!;
            Assert.Equal("EventBridgeRule", rule["Type"]!.GetValue<string>());
            Assert.Equal(trigger.Rule, rule["Properties"]!["RuleName"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(trigger.Pattern.Json), rule["Properties"]!["Pattern"]), $"{trigger.Rule}'s pattern changed on export.");
            Assert.Equal(function.Name, rule["Properties"]!["Target"]!["Id"]!.GetValue<string>());
            Assert.Equal("EventBusName", rule["Properties"]!["EventBusName"]!["Ref"]!.GetValue<string>());
            Assert.Equal(185, rule["Properties"]!["RetryPolicy"]!["MaximumRetryAttempts"]!.GetValue<int>());
            Assert.Equal(86400, rule["Properties"]!["RetryPolicy"]!["MaximumEventAgeInSeconds"]!.GetValue<int>());

            var queueId = EventBridgeRulesGenerator.LogicalId(trigger.Rule) + "DeadLetterQueue";
            Assert.Equal($"{trigger.Rule}-dlq", Resource(template, queueId)["Properties"]!["QueueName"]!.GetValue<string>());
            Assert.Equal(queueId, rule["Properties"]!["DeadLetterConfig"]!["Arn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
            Assert.Equal(queueId, resource["Properties"]!["DeadLetterQueue"]!["TargetArn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
            Assert.Equal(2, resource["Properties"]!["EventInvokeConfig"]!["MaximumRetryAttempts"]!.GetValue<int>());
            var policy = Resource(template, queueId + "Policy")["Properties"]!["PolicyDocument"]!["Statement"]![0]!;
            Assert.Equal("events.amazonaws.com", policy["Principal"]!["Service"]!.GetValue<string>());
            Assert.EndsWith($":rule/{trigger.Rule}", policy["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Fn::If"]![1]!["Fn::Sub"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(3 * 3, template["Resources"]!.AsObject().Count); // a function, a queue and its policy per rule; the HTTP function is not here
    }

    [Fact]
    public void Generate_ExportedPatterns_RouteTheScenariosEventsAsTheManifestDoes()
    {
        var template = Template();
        var exported = template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::Serverless::Function")
            .Select(r => (Handler: r.Value!["Properties"]!["Handler"]!.GetValue<string>(), Pattern: EventPattern.Parse(r.Value!["Properties"]!["Events"]!.AsObject().Single().Value!["Properties"]!["Pattern"]!.ToJsonString())))
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
            var fromFile = exported.Where(r => r.Pattern.Matches(envelope)).Select(r => r.Handler).Order(StringComparer.Ordinal);
            var fromManifest = router.MatchingFunctions(@event).Order(StringComparer.Ordinal);
            Assert.Equal(fromManifest, fromFile);
            matchedSomewhere += fromManifest.Any() ? 1 : 0;
        }

        Assert.Equal(5, matchedSomewhere);
    }

    [Fact]
    public void Generate_Template_IsValidBySamsSchema()
    {
        var errors = Validate(Template());

        Assert.True(errors.Count == 0, $"The template breaks the SAM schema:\n{string.Join("\n", errors)}");
    }

    public static TheoryData<string> Breakages => [.. Break.Keys];

    [Theory]
    [MemberData(nameof(Breakages))]
    public void Validator_TemplateBroken_RejectsIt(string breakage)
    {
        var template = Template();
        Break[breakage](template);

        Assert.NotEmpty(Validate(template));
    }

    // Ways a generator bug could break the file, each a rule of SAM's schema.
    private static readonly Dictionary<string, Action<JsonNode>> Break = new(StringComparer.Ordinal)
    {
        ["misspelled event type"] = t => Rule(t)["Type"] = "EventBridgeRules",
        ["target without an id"] = t => Rule(t)["Properties"]!["Target"] = new JsonObject(),
        ["unknown rule property"] = t => Rule(t)["Properties"]!["Filter"] = "x",
        ["events as a list"] = t => Function(t)["Properties"]!["Events"] = new JsonArray(),
        ["unknown function property"] = t => Function(t)["Properties"]!["Handlers"] = "charge-payment",
        ["no resources"] = t => t.AsObject().Remove("Resources"),
    };

    private static JsonNode Function(JsonNode template) => template["Resources"]![EventBridgeRulesGenerator.LogicalId(RoutingScenario.ChargePayment) + "Function"]!;

    private static JsonNode Rule(JsonNode template) => Function(template)["Properties"]!["Events"]![EventBridgeRulesGenerator.LogicalId(RoutingScenario.ChargePaymentRule)]!;

    [Fact]
    public void Generate_NoEventFunctions_NoFile()
    {
        var manifest = new FunctionManifestBuilder().AddQueue("ledger", "payments", (_, _, _) => ValueTask.FromResult(MessageResult.Success)).Build();

        Assert.Empty(EventBridgeRulesGenerator.Generate(manifest));
    }

    [Fact]
    public void Generate_RuleDeclaredTwice_IsRefused()
    {
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("a", "on-orders", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .AddEventFunction("b", "on-orders", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();

        Assert.Throws<ArgumentException>(() => EventBridgeRulesGenerator.Generate(manifest));
    }

    [Fact]
    public void Generate_TriggerWithATimeout_TheFunctionGetsItRoundedUpAndTheOthersTheTemplates()
    {
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("slow", "on-slow", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success), new EventTriggerOptions { Timeout = TimeSpan.FromSeconds(42.2) })
            .AddEventFunction("quick", "on-quick", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success))
            .Build();

        var template = JsonNode.Parse(Assert.Single(EventBridgeRulesGenerator.Generate(manifest)).Content)!;

        Assert.Equal(43, Resource(template, "SlowFunction")["Properties"]!["Timeout"]!.GetValue<int>());
        Assert.False(Resource(template, "QuickFunction")["Properties"]!.AsObject().ContainsKey("Timeout"));
        Assert.Equal(EventBridgeRulesGenerator.DefaultFunctionTimeoutSeconds, template["Globals"]!["Function"]!["Timeout"]!.GetValue<int>());
        Assert.Empty(Validate(template));
    }

    [Fact]
    public void Generate_TriggerTimeoutOverLambdasLimit_Refused()
    {
        var manifest = new FunctionManifestBuilder()
            .AddEventFunction("slow", "on-slow", """{"source": ["orders"]}""", (_, _, _) => ValueTask.FromResult(MessageResult.Success), new EventTriggerOptions { Timeout = TimeSpan.FromSeconds(901) })
            .Build();

        var refused = Assert.Throws<InvalidOperationException>(() => EventBridgeRulesGenerator.Generate(manifest));
        Assert.Contains("at most 900 s", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("on-inventory-reserved", "OnInventoryReserved")]
    [InlineData("charge-payment", "ChargePayment")]
    [InlineData("audit2-big_orders.v1", "Audit2BigOrdersV1")]
    public void LogicalId_CapitalisesAndJoinsTheWords(string name, string id) => Assert.Equal(id, EventBridgeRulesGenerator.LogicalId(name));

    private static List<string> Validate(JsonNode template)
    {
        var instance = JsonSerializer.SerializeToElement(template);
        var result = SamSchema.Value.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return [];
        }

        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key} {e.Value}"))
            .ToList();
        return errors.Count > 0 ? errors : ["invalid"];
    }
}
