using Portable.Core.Events;
using System.Text.Json.Nodes;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Patterns;
using Portable.Core.Schedules;
using Portable.Deploy.CloudFormation;

namespace Portable.Deploy.Tests.CloudFormation;

/// <summary>What the template says about each function, queue and role; the validator's verdict is in <see cref="CloudFormationValidationTests"/>.</summary>
public sealed class CloudFormationGeneratorTests
{
    private static JsonNode Patterns() => JsonNode.Parse(CloudFormationGenerator.Generate(PatternsApp.Manifest, PatternsDeployment.Options).Content)!;

    private static JsonNode Every() => JsonNode.Parse(CloudFormationGenerator.Generate(EveryTrigger.Manifest, EveryTrigger.Options).Content)!;

    private static IEnumerable<(string Id, JsonNode Resource)> OfType(JsonNode template, string type) =>
        template["Resources"]!.AsObject().Where(r => r.Value!["Type"]!.GetValue<string>() == type).Select(r => (r.Key, r.Value!));

    [Fact]
    public void Generate_EveryFunction_IsALambdaOnProvidedAl2023WithItsHandler()
    {
        var template = Patterns();
        foreach (var function in PatternsApp.Manifest.Functions)
        {
            var p = template["Resources"]![CloudFormationGenerator.FunctionId(function.Name)]!["Properties"]!;
            Assert.Equal("provided.al2023", p["Runtime"]!.GetValue<string>());
            Assert.Equal(function.Name, p["Handler"]!.GetValue<string>());
            Assert.Equal(256, p["MemorySize"]!.GetValue<int>());
            Assert.Equal(function.Trigger is EventTrigger { Options.Timeout: { } delivery } ? (int)Math.Ceiling(delivery.TotalSeconds) : 30, p["Timeout"]!.GetValue<int>());
            Assert.Equal("x86_64", p["Architectures"]![0]!.GetValue<string>());
            Assert.Equal(CloudFormationGenerator.TableId, p["Environment"]!["Variables"]!["PORTABLE_DYNAMODB_TABLE"]!["Ref"]!.GetValue<string>());
        }

        Assert.Equal(PatternsApp.Manifest.Functions.Count, OfType(template, "AWS::Lambda::Function").Count());
    }

    [Fact]
    public void Generate_Options_SetMemoryTimeoutArchitectureAndProvisionedConcurrency()
    {
        var template = Every();
        var api = template["Resources"]!["ApiFunction"]!["Properties"]!;
        Assert.Equal(1024, api["MemorySize"]!.GetValue<int>());
        Assert.Equal(20, api["Timeout"]!.GetValue<int>());
        Assert.Equal("arm64", api["Architectures"]![0]!.GetValue<string>());
        var worker = template["Resources"]!["WorkerFunction"]!["Properties"]!;
        Assert.Equal(512, worker["MemorySize"]!.GetValue<int>()); // the options' default
        Assert.Equal(120, worker["Timeout"]!.GetValue<int>());
        Assert.Equal(720, template["Resources"]!["WorkQueue"]!["Properties"]!["VisibilityTimeout"]!.GetValue<int>()); // 6 × 120 s

        var alias = template["Resources"]!["ApiLiveAlias"]!["Properties"]!;
        Assert.Equal(2, alias["ProvisionedConcurrencyConfig"]!["ProvisionedConcurrentExecutions"]!.GetValue<int>());
        Assert.Equal("ApiLiveAlias", template["Resources"]!["ApiIntegration"]!["Properties"]!["IntegrationUri"]!["Ref"]!.GetValue<string>());
        Assert.Null(template["Resources"]!["WorkerLiveAlias"]);
    }

    [Fact]
    public void Generate_Queues_RedriveToTheirDlqAfterFiveReceivesAndReportBatchItemFailures()
    {
        var template = Patterns();
        var queues = PatternsApp.Manifest.FunctionsOf<QueueTrigger>().ToList();
        Assert.Equal(3, queues.Count);
        foreach (var (function, trigger) in queues)
        {
            var queue = template["Resources"]![CloudFormationGenerator.QueueId(trigger.Queue)]!["Properties"]!;
            Assert.Equal(trigger.Queue, queue["QueueName"]!.GetValue<string>());
            Assert.Equal(5, queue["RedrivePolicy"]!["maxReceiveCount"]!.GetValue<int>());
            var dlqId = queue["RedrivePolicy"]!["deadLetterTargetArn"]!["Fn::GetAtt"]![0]!.GetValue<string>();
            Assert.Equal(trigger.Queue + "-dlq", template["Resources"]![dlqId]!["Properties"]!["QueueName"]!.GetValue<string>());

            var mapping = OfType(template, "AWS::Lambda::EventSourceMapping").Single(m => m.Resource["Properties"]!["FunctionName"]!["Fn::GetAtt"]![0]!.GetValue<string>() == CloudFormationGenerator.FunctionId(function.Name)).Resource["Properties"]!;
            Assert.Equal(CloudFormationGenerator.QueueId(trigger.Queue), mapping["EventSourceArn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
            Assert.Equal(["ReportBatchItemFailures"], mapping["FunctionResponseTypes"]!.AsArray().Select(v => v!.GetValue<string>()));
            Assert.Equal(trigger.Options.BatchSize, mapping["BatchSize"]!.GetValue<int>());
        }
    }

    [Fact]
    public void Generate_HttpFunctions_EveryRouteOnTheHttpApi()
    {
        var template = Patterns();
        var routes = OfType(template, "AWS::ApiGatewayV2::Route").Select(r => r.Resource["Properties"]!["RouteKey"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
        var expected = PatternsApp.Manifest.HttpFunctions.SelectMany(h => h.Trigger.Routes).Select(r => $"{r.Method} {r.Template.Text}").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, routes);
        Assert.Contains("GET /items/{id}", routes);
        Assert.Equal("HTTP", template["Resources"]![CloudFormationGenerator.HttpApiId]!["Properties"]!["ProtocolType"]!.GetValue<string>());
        foreach (var (id, integration) in OfType(template, "AWS::ApiGatewayV2::Integration"))
        {
            Assert.Equal("2.0", integration["Properties"]!["PayloadFormatVersion"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Generate_ScheduleAndStateMachine_AreThere()
    {
        var template = Patterns();
        var schedule = template["Resources"]!["ReconcileOrdersSchedule"]!["Properties"]!;
        Assert.Equal("cron(* * * * ? *)", schedule["ScheduleExpression"]!.GetValue<string>());
        Assert.Equal("UTC", schedule["ScheduleExpressionTimezone"]!.GetValue<string>());
        var machine = template["Resources"]!["OrderSagaStateMachine"]!["Properties"]!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(TestKit.RepoPaths.Root, "deploy", "aws", "order-saga.asl.json"))), machine["Definition"]));
        Assert.Equal("OrderSagaFunction", machine["DefinitionSubstitutions"]!["OrderSagaFunctionArn"]!["Fn::GetAtt"]![0]!.GetValue<string>());
    }

    [Theory]
    [InlineData("patterns")]
    [InlineData("every trigger")]
    public void Generate_IamPolicies_NoWildcardActionsNorResources(string name)
    {
        var template = name == "patterns" ? Patterns() : Every();
        var roles = OfType(template, "AWS::IAM::Role").ToList();
        Assert.NotEmpty(roles);
        foreach (var (id, role) in roles)
        {
            foreach (var statement in role["Properties"]!["Policies"]!.AsArray().SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray()))
            {
                Assert.Equal("Allow", statement!["Effect"]!.GetValue<string>());
                foreach (var action in statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()))
                {
                    Assert.False(action.Contains('*', StringComparison.Ordinal), $"{id} allows the wildcard action {action}.");
                }

                foreach (var resource in statement["Resource"]!.AsArray())
                {
                    var text = resource!.ToJsonString();
                    Assert.False(resource is JsonValue, $"{id} names a literal resource {text}; every resource is one of this stack's.");
                    var sub = resource["Fn::Sub"]?.GetValue<string>();
                    if (sub is null)
                    {
                        Assert.False(text.Contains('*', StringComparison.Ordinal), $"{id}: {text}");
                        continue;
                    }

                    // The two places names cannot be listed ahead: the function's own log group's streams, and the objects of a storage function's own bucket.
                    var ownLogStreams = sub.StartsWith("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/lambda/${Prefix}-", StringComparison.Ordinal) && sub.EndsWith(":*", StringComparison.Ordinal) && sub.Count(c => c == '*') == 1;
                    var ownObjects = sub.StartsWith("arn:${AWS::Partition}:s3:::${", StringComparison.Ordinal) && template["Resources"]![sub.Split("${")[2].Split('}')[0]]?["Type"]?.GetValue<string>() == "AWS::S3::Bucket" && sub.EndsWith('*') && sub.Count(c => c == '*') == 1 && sub.Contains('/', StringComparison.Ordinal);
                    Assert.True(!sub.Contains('*', StringComparison.Ordinal) || ownLogStreams || ownObjects, $"{id} allows the wildcard resource {sub}.");
                }
            }
        }
    }

    [Fact]
    public void Generate_Sends_OnlyToTheQueuesTheOptionsName()
    {
        var template = Patterns();
        string[] Sends(string role) => [.. template["Resources"]![role]!["Properties"]!["Policies"]![0]!["PolicyDocument"]!["Statement"]!.AsArray()
            .Where(s => s!["Action"]!.AsArray().Any(a => a!.GetValue<string>() == "sqs:SendMessage"))
            .Select(s => s!["Resource"]![0]!["Fn::GetAtt"]![0]!.GetValue<string>()).Order(StringComparer.Ordinal)];

        Assert.Equal(["JobChunksQueue"], Sends("JobsApiRole"));
        Assert.Equal(["OrderSagaQueue"], Sends("OrdersApiRole"));
        Assert.Equal(["PaymentsDeadLetterQueue"], Sends("LedgerWriterRole"));
        Assert.Equal(["OrderSagaDeadLetterQueue", "OrderSagaQueue"], Sends("OrderSagaCoordinatorRole"));
        Assert.Empty(Sends("ItemsApiRole"));
    }

    [Fact]
    public void Generate_SendsToAnUnknownQueue_IsRefused()
    {
        var options = new DeploymentOptions { Functions = new Dictionary<string, FunctionDeployment>(StringComparer.Ordinal) { ["items-api"] = new() { SendsTo = ["nowhere"] } } };
        var ex = Assert.Throws<ArgumentException>(() => CloudFormationGenerator.Generate(PatternsApp.Manifest, options));
        Assert.Contains("nowhere", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_OptionsForAnUnknownFunction_AreRefused()
    {
        var options = new DeploymentOptions { Functions = new Dictionary<string, FunctionDeployment>(StringComparer.Ordinal) { ["itemz-api"] = new() { MemoryMb = 512 } } };
        Assert.Throws<ArgumentException>(() => CloudFormationGenerator.Generate(PatternsApp.Manifest, options));
    }

    [Theory]
    [InlineData("* * * * *", "cron(* * * * ? *)")]
    [InlineData("30 2 * * 1-5", "cron(30 2 ? * MON-FRI *)")]
    [InlineData("0 0 1 * *", "cron(0 0 1 * ? *)")]
    [InlineData("0 9 * * 0,6", "cron(0 9 ? * SUN,SAT *)")]
    [InlineData("0 9 * * 7", "cron(0 9 ? * SUN *)")]
    [InlineData("0 */15 * * * *", "cron(*/15 * * * ? *)")]
    public void ScheduleExpression_UnixCron_BecomesSchedulerCron(string cron, string expected) =>
        Assert.Equal(expected, ScheduleExpression.Cron(CronSchedule.Parse(cron)));

    [Fact]
    public void ScheduleExpression_Seconds_AreRefused() =>
        Assert.Throws<ArgumentException>(() => ScheduleExpression.Cron(CronSchedule.Parse("*/10 * * * * *")));
}
