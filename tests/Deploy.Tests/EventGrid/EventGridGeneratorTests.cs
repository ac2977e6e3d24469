using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Deploy.EventGrid;
using Portable.Deploy.Tests.Bicep;
using Portable.TestKit;


namespace Portable.Deploy.Tests.EventGrid;

/// <summary>
/// The Event Grid export of a manifest's rules: compiled by the real Bicep CLI with no error and no warning (its type
/// checks of the Event Grid and Storage resource types bite, see <see cref="BicepCheck_CatchesAnUnknownOperator"/>), one
/// queue and one subscription per rule, the rule's pattern as advanced filters where Event Grid can express it and a
/// comment naming the rule where it cannot; and the filters never hold back an event the rule matches, checked by
/// Event Grid's documented semantics over a grid of events.
/// </summary>
public sealed class EventGridGeneratorTests
{
    private static readonly RoutingScenario Scenario = new();

    private static readonly string[] Patterns =
    [
        """{"source": ["inventory"], "detail-type": ["inventory.reserved"]}""",
        """{"source": ["orders", "inventory"], "detail": {"total": [{"numeric": [">=", 1000]}]}}""",
        """{"detail-type": [{"prefix": "shipment."}], "detail": {"carrier": [{"anything-but": "drone"}]}}""",
        """{"detail": {"total": [{"numeric": [">", 0, "<=", 1000]}]}}""",
        """{"detail": {"total": [1000, 2500]}}""",
        """{"detail": {"total": [{"numeric": ["=", 1000]}, {"numeric": [">", 2000, "<", 3000]}]}}""",
        """{"detail": {"carrier": [{"equals-ignore-case": "DRONE"}, "ups"]}}""",
        """{"detail-type": [{"suffix": ".created"}], "source": [{"prefix": {"equals-ignore-case": "SHIP"}}]}""",
        """{"detail": {"urgent": [true]}}""",
        """{"source": ["inventory"], "$or": [{"detail": {"total": [{"numeric": [">", 100]}]}}, {"detail": {"carrier": ["ups"]}}]}""",
        """{"detail": {"carrier": [{"exists": true}], "total": [null]}}""",
        """{"detail": {"carrier": [{"wildcard": "u*s"}], "total": ["1000", 1000]}}""",
        """{"detail": {"address": {"city": ["Paris"]}}, "account": ["111122223333"]}""",
    ];

    private static FunctionManifest ManifestOf(params (string Rule, string Pattern)[] rules)
    {
        var builder = new FunctionManifestBuilder();
        foreach (var (rule, pattern) in rules)
        {
            builder.AddEventFunction($"fn-{rule}", rule, pattern, (_, _, _) => ValueTask.FromResult(MessageResult.Success));
        }

        return builder.Build();
    }

    private static string Bicep(FunctionManifest manifest) => Assert.Single(EventGridGenerator.Generate(manifest)).Content;

    private static JsonArray Resources(string template) => JsonNode.Parse(template)!["resources"]!.AsArray();

    private static JsonObject Subscription(JsonArray resources, string rule) =>
        resources.Single(r => r!["type"]!.GetValue<string>() == "Microsoft.EventGrid/topics/eventSubscriptions" && r["name"]!.GetValue<string>().Contains($"'{rule}'", StringComparison.Ordinal))!.AsObject();

    [Fact]
    public void Generate_NoEventFunctions_NoFile()
    {
        var httpOnly = new FunctionManifestBuilder().AddHttp("api", routes => routes.Map("GET", "/", (_, _, _) => ValueTask.FromResult(new Core.Http.PortableHttpResponse { StatusCode = 204 }))).Build();

        Assert.Empty(EventGridGenerator.Generate(httpOnly));
        Assert.Empty(EventGridGenerator.Generate(ManifestOf()));
    }

    [Fact]
    public async Task Generate_RoutingScenario_CompilesCleanWithAQueueAndASubscriptionPerRule()
    {
        var file = Assert.Single(EventGridGenerator.Generate(Scenario.Manifest));
        Assert.Equal("azure/event-grid.bicep", file.Path);
        Assert.EndsWith("\n", file.Content, StringComparison.Ordinal);

        var resources = Resources(await BicepCompiler.BuildCleanAsync(file.Content));

        var topic = Assert.Single(resources, r => r!["type"]!.GetValue<string>() == "Microsoft.EventGrid/topics")!;
        Assert.Equal("CloudEventSchemaV1_0", topic["properties"]!["inputSchema"]!.GetValue<string>());
        var queues = resources.Where(r => r!["type"]!.GetValue<string>() == "Microsoft.Storage/storageAccounts/queueServices/queues").Select(r => r!["name"]!.GetValue<string>()).ToList();
        Assert.Equal(4, queues.Count);
        Assert.Contains(queues, q => q.Contains("'portable-events'", StringComparison.Ordinal));
        foreach (var (function, trigger) in Scenario.Manifest.FunctionsOf<EventTrigger>())
        {
            Assert.Contains(queues, q => q.Contains($"'events-{trigger.Rule}'", StringComparison.Ordinal));
            var properties = Subscription(resources, trigger.Rule)["properties"]!;
            Assert.Equal("CloudEventSchemaV1_0", properties["eventDeliverySchema"]!.GetValue<string>());
            Assert.Equal("StorageQueue", properties["destination"]!["endpointType"]!.GetValue<string>());
            Assert.Contains($"events-{trigger.Rule}", properties["destination"]!["properties"]!["queueName"]!.ToJsonString(), StringComparison.Ordinal);
            Assert.True(properties["filter"]!["enableAdvancedFilteringOnArrays"]!.GetValue<bool>());
            Assert.Contains($"// Rule {trigger.Rule} → function {function.Name}, pattern ", file.Content, StringComparison.Ordinal);
        }

        Assert.Equal(
            """[{"operatorType":"StringIn","key":"source","values":["inventory"]},{"operatorType":"StringIn","key":"type","values":["inventory.reserved"]}]""",
            Subscription(resources, RoutingScenario.ChargePaymentRule)["properties"]!["filter"]!["advancedFilters"]!.ToJsonString());
        Assert.Equal(
            """[{"operatorType":"StringIn","key":"source","values":["orders","inventory"]},{"operatorType":"NumberGreaterThanOrEquals","key":"data.total","value":1000}]""",
            Subscription(resources, RoutingScenario.BigOrderAuditRule)["properties"]!["filter"]!["advancedFilters"]!.ToJsonString());
        // anything-but is left to Portable, and the file says so, naming the rule.
        Assert.Equal(
            """[{"operatorType":"StringBeginsWith","key":"type","values":["shipment."]}]""",
            Subscription(resources, RoutingScenario.NotifyShippingRule)["properties"]!["filter"]!["advancedFilters"]!.ToJsonString());
        Assert.Contains($"// Event Grid's filters cannot express all of rule {RoutingScenario.NotifyShippingRule}", file.Content, StringComparison.Ordinal);
        Assert.Contains("//   detail.carrier: anything-but:", file.Content, StringComparison.Ordinal);
        Assert.DoesNotContain($"cannot express all of rule {RoutingScenario.ChargePaymentRule}", file.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_PatternsEventGridCannotExpressFully_CompileCleanAndNameTheRuleAndWhatIsLeft()
    {
        var manifest = ManifestOf([.. Patterns.Select((p, i) => ($"rule-{i}", p))]);
        var bicep = Bicep(manifest);

        var resources = Resources(await BicepCompiler.BuildCleanAsync(bicep));

        Assert.Equal(Patterns.Length, resources.Count(r => r!["type"]!.GetValue<string>() == "Microsoft.EventGrid/topics/eventSubscriptions"));
        Assert.Contains("// Event Grid's filters cannot express all of rule rule-9: this subscription filters what they can", bicep, StringComparison.Ordinal);
        Assert.Contains("//   $or: Event Grid ANDs", bicep, StringComparison.Ordinal);
        // Beside the $or, the source is still filtered.
        Assert.Equal("""[{"operatorType":"StringIn","key":"source","values":["inventory"]}]""", Subscription(resources, "rule-9")["properties"]!["filter"]!["advancedFilters"]!.ToJsonString());
        Assert.Contains("//   detail.carrier: exists:", bicep, StringComparison.Ordinal);
        Assert.Contains("//   detail.total: null:", bicep, StringComparison.Ordinal);
        Assert.Contains("//   detail.carrier: wildcard:", bicep, StringComparison.Ordinal);
        Assert.Contains("//   detail.total: its values are of several kinds", bicep, StringComparison.Ordinal);
        Assert.Contains("//   detail.address: fields nested deeper", bicep, StringComparison.Ordinal);
        Assert.Contains("//   account: the CloudEvents Event Grid delivers have no such attribute", bicep, StringComparison.Ordinal);
        Assert.Equal("""[{"operatorType":"NumberInRange","key":"data.total","values":[[0,1000]]}]""", Subscription(resources, "rule-3")["properties"]!["filter"]!["advancedFilters"]!.ToJsonString());
        Assert.Equal("""[{"operatorType":"NumberInRange","key":"data.total","values":[[1000,1000],[2000,3000]]}]""", Subscription(resources, "rule-5")["properties"]!["filter"]!["advancedFilters"]!.ToJsonString());
        Assert.Equal("""[{"operatorType":"BoolEquals","key":"data.urgent","value":true}]""", Subscription(resources, "rule-8")["properties"]!["filter"]!["advancedFilters"]!.ToJsonString());
    }

    [Fact]
    public void Translate_OverEventGridsLimits_KeepsWithinThemAndSaysWhatWasLeftOut()
    {
        var values = string.Join(", ", Enumerable.Range(0, 20).Select(i => $"\"s{i}\""));
        var pattern = EventPattern.Parse($$$"""{"source": [{{{values}}}], "detail": {"a": [1, 2, 3], "b": [4, 5, 6], "c": ["x"]}}""");

        var translation = EventGridFilters.Translate(pattern);

        Assert.True(translation.Filters.Sum(f => f.ValueCount) <= EventGridFilters.MaxValues);
        Assert.Equal(["source", "data.a", "data.c"], translation.Filters.Select(f => f.Key)); // 20 + 3 + 1 = 24; b's 3 would make 27
        Assert.Equal(["detail.b: over Event Grid's limit of 25 advanced filters and 25 values per subscription."], translation.Unfiltered);
    }

    [Fact]
    public void Translate_FiltersNeverHoldBackAnEventTheRuleMatches()
    {
        string[] sources = ["inventory", "Inventory", "orders", "shipping", "SHIPPING-east"];
        string[] types = ["inventory.reserved", "shipment.created", "Shipment.Created", "order.placed"];
        string?[] totals = [null, "5", "1000", "1000.0", "2500", "\"1000\"", "[5, 1500]", "null", "0"];
        string?[] carriers = [null, "\"ups\"", "\"drone\"", "\"Drone\"", "[\"ups\", \"drone\"]", "null", "\"UPS\""];
        string?[] urgent = [null, "true", "false"];
        var checkedMatches = 0;
        foreach (var text in Patterns)
        {
            var pattern = EventPattern.Parse(text);
            var filters = EventGridFilters.Translate(pattern).Filters;
            var id = 0;
            foreach (var source in sources)
            {
                foreach (var type in types)
                {
                    foreach (var total in totals)
                    {
                        foreach (var carrier in carriers)
                        {
                            foreach (var flag in urgent)
                            {
                                var data = new JsonObject();
                                Add(data, "total", total);
                                Add(data, "carrier", carrier);
                                Add(data, "urgent", flag);
                                var envelope = new JsonObject { ["version"] = "0", ["id"] = $"e{id}", ["detail-type"] = type, ["source"] = source, ["time"] = "2026-11-01T12:00:00Z", ["resources"] = new JsonArray(), ["detail"] = data.DeepClone() };
                                var cloudEvent = new JsonObject { ["specversion"] = "1.0", ["id"] = $"e{id++}", ["source"] = source, ["type"] = type, ["data"] = data };
                                using var document = JsonDocument.Parse(envelope.ToJsonString());
                                if (pattern.Matches(document.RootElement))
                                {
                                    checkedMatches++;
                                    Assert.True(EventGridEvaluator.Passes(filters, cloudEvent), $"Pattern {text}: Event Grid's filters hold back {cloudEvent.ToJsonString()}, which the rule matches.");
                                }
                            }
                        }
                    }
                }
            }
        }

        Assert.True(checkedMatches > 500, $"Only {checkedMatches} matching events were checked.");
    }

    [Fact]
    public void Translate_Filters_HoldBackWhatTheyShould()
    {
        // The evaluator is not vacuous: the scenario's filters do hold back events their rules do not match.
        var filters = EventGridFilters.Translate(EventPattern.Parse("""{"source": ["orders", "inventory"], "detail": {"total": [{"numeric": [">=", 1000]}]}}""")).Filters;
        Assert.False(EventGridEvaluator.Passes(filters, JsonNode.Parse("""{"source": "orders", "type": "t", "data": {"total": 999}}""")!.AsObject()));
        Assert.False(EventGridEvaluator.Passes(filters, JsonNode.Parse("""{"source": "payments", "type": "t", "data": {"total": 5000}}""")!.AsObject()));
        Assert.False(EventGridEvaluator.Passes(filters, JsonNode.Parse("""{"source": "orders", "type": "t", "data": {}}""")!.AsObject()));
        Assert.True(EventGridEvaluator.Passes(filters, JsonNode.Parse("""{"source": "ORDERS", "type": "t", "data": {"total": [1, 1000]}}""")!.AsObject()));
    }

    [Fact]
    public async Task BicepCheck_CatchesAnUnknownOperator()
    {
        var bicep = Bicep(Scenario.Manifest).Replace("operatorType: 'StringBeginsWith'", "operatorType: 'StringStartsWith'", StringComparison.Ordinal);

        var (exitCode, lines, _) = await BicepCompiler.BuildAsync(bicep);
        var diagnostics = string.Join('\n', lines);

        Assert.Equal(0, exitCode); // a type error does not fail the build: the diagnostics are what the check reads
        Assert.Contains("Warning BCP", diagnostics, StringComparison.Ordinal);
        Assert.Contains("StringStartsWith", diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_RuleWhoseQueueCannotExistOnAzure_IsRefused()
    {
        var manifest = ManifestOf(("a-rule-with-a-name-long-enough-to-overflow-the-queue", """{"source": ["x"]}"""));

        var error = Assert.Throws<ArgumentException>(() => EventGridGenerator.Generate(manifest));
        Assert.Contains("-poison", error.Message, StringComparison.Ordinal);
    }

    private static void Add(JsonObject data, string name, string? json)
    {
        if (json is not null)
        {
            data[name] = JsonNode.Parse(json);
        }
    }
}
