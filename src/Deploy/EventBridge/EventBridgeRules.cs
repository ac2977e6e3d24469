using System.Text.Json.Nodes;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Deploy.CloudFormation;

namespace Portable.Deploy.EventBridge;

/// <summary>
/// The manifest's routing rules as EventBridge rules in the app's CloudFormation template
/// (<see cref="CloudFormationGenerator"/>): per event function an <c>AWS::Events::Rule</c> named as the rule, its
/// <c>EventPattern</c> exactly as the manifest declares it, on the bus the <c>EventBusName</c> parameter names
/// (<c>default</c> unless given), targeting the function. Per rule a <c>{rule}-dlq</c> SQS queue receives what did not
/// get through: the rule's <c>DeadLetterConfig</c> (events EventBridge could not deliver, with a queue policy for the
/// rule), the function's <c>DeadLetterConfig</c> (asynchronous invocations Lambda gave up on), and Portable's own
/// dead-letter sink (a poison event). Retries are the platforms' defaults, written out: EventBridge's 185 attempts
/// within 24 hours, Lambda's 2 retries within 6 hours. Event functions may publish events themselves, so each gets
/// <c>PORTABLE_EVENTBRIDGE_BUS</c> and <c>events:PutEvents</c> on that bus only.
/// </summary>
public static class EventBridgeRules
{
    /// <summary>The template parameter naming the bus every rule is on.</summary>
    public const string BusParameter = "EventBusName";

    /// <summary>EventBridge's default retry policy for a target: 185 attempts (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-retry-policy.html).</summary>
    public const int EventBridgeMaximumRetryAttempts = 185;

    /// <summary>EventBridge's default retry window for a target: 24 hours, in seconds.</summary>
    public const int EventBridgeMaximumEventAgeSeconds = 24 * 60 * 60;

    /// <summary>Lambda's default retries of a failed asynchronous invocation: 2 (AWS::Lambda::EventInvokeConfig).</summary>
    public const int LambdaMaximumRetryAttempts = 2;

    /// <summary>Lambda's default age limit of an asynchronous event: 6 hours, in seconds.</summary>
    public const int LambdaMaximumEventAgeSeconds = 6 * 60 * 60;

    /// <summary>The logical id of a rule's <c>AWS::Events::Rule</c>.</summary>
    public static string RuleId(string rule) => Cfn.LogicalId(rule) + "Rule";

    /// <summary>The logical id of a rule's dead-letter queue.</summary>
    public static string DeadLetterQueueId(string rule) => Cfn.LogicalId(rule) + "RuleDeadLetterQueue";

    internal static void AddParameters(CloudFormationGenerator.Template template)
    {
        template.Parameters[BusParameter] = new JsonObject
        {
            ["Type"] = "String",
            ["Default"] = "default",
            ["Description"] = "The event bus the rules are on and the functions publish to (PORTABLE_EVENTBRIDGE_BUS).",
        };
    }

    internal static void Add(CloudFormationGenerator.Template template, FunctionDefinition function, EventTrigger trigger, JsonObject lambda, JsonArray statements, JsonObject environment)
    {
        if (template.Resources.ContainsKey(RuleId(trigger.Rule)))
        {
            throw new ArgumentException($"Rule '{trigger.Rule}' is declared twice.", nameof(trigger));
        }

        var queue = DeadLetterQueueId(trigger.Rule);
        var busArn = Cfn.Sub($"arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:event-bus/${{{BusParameter}}}");
        environment["PORTABLE_EVENTBRIDGE_BUS"] = Cfn.Ref(BusParameter);
        statements.Add(Cfn.Allow(["events:PutEvents"], busArn));
        statements.Add(Cfn.Allow(["sqs:GetQueueUrl", "sqs:SendMessage"], Cfn.GetAtt(queue, "Arn")));
        lambda["DeadLetterConfig"] = new JsonObject { ["TargetArn"] = Cfn.GetAtt(queue, "Arn") };

        var id = Cfn.LogicalId(function.Name);
        template.Resources[id + "EventInvokeConfig"] = Cfn.Resource("AWS::Lambda::EventInvokeConfig", new JsonObject
        {
            ["FunctionName"] = Cfn.Ref(CloudFormationGenerator.FunctionId(function.Name)),
            ["Qualifier"] = "$LATEST",
            ["MaximumRetryAttempts"] = LambdaMaximumRetryAttempts,
            ["MaximumEventAgeInSeconds"] = LambdaMaximumEventAgeSeconds,
        });
        template.Resources[RuleId(trigger.Rule)] = Cfn.Resource("AWS::Events::Rule", new JsonObject
        {
            ["Name"] = trigger.Rule,
            ["EventBusName"] = Cfn.Ref(BusParameter),
            ["EventPattern"] = JsonNode.Parse(trigger.Pattern.Json),
            ["State"] = "ENABLED",
            ["Targets"] = new JsonArray(new JsonObject
            {
                ["Id"] = function.Name,
                ["Arn"] = template.InvokeTarget(function),
                ["RetryPolicy"] = new JsonObject
                {
                    ["MaximumRetryAttempts"] = EventBridgeMaximumRetryAttempts,
                    ["MaximumEventAgeInSeconds"] = EventBridgeMaximumEventAgeSeconds,
                },
                ["DeadLetterConfig"] = new JsonObject { ["Arn"] = Cfn.GetAtt(queue, "Arn") },
            }),
        });
        template.Resources[id + "EventPermission"] = Cfn.Resource("AWS::Lambda::Permission", new JsonObject
        {
            ["Action"] = "lambda:InvokeFunction",
            ["FunctionName"] = template.InvokeTarget(function),
            ["Principal"] = "events.amazonaws.com",
            ["SourceArn"] = Cfn.GetAtt(RuleId(trigger.Rule), "Arn"),
        });
        template.Resources[queue] = Cfn.Resource("AWS::SQS::Queue", new JsonObject
        {
            ["QueueName"] = trigger.Rule + "-dlq",
            ["MessageRetentionPeriod"] = 1209600, // 14 days, SQS's longest.
        });
        template.Resources[queue + "Policy"] = Cfn.Resource("AWS::SQS::QueuePolicy", new JsonObject
        {
            ["Queues"] = new JsonArray(Cfn.Ref(queue)),
            ["PolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = new JsonArray(new JsonObject
                {
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Service"] = "events.amazonaws.com" },
                    ["Action"] = "sqs:SendMessage",
                    ["Resource"] = Cfn.GetAtt(queue, "Arn"),
                    ["Condition"] = new JsonObject { ["ArnEquals"] = new JsonObject { ["aws:SourceArn"] = Cfn.GetAtt(RuleId(trigger.Rule), "Arn") } },
                }),
            },
        });
    }
}
