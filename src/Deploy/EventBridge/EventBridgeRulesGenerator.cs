using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Portable.Core.Events;
using Portable.Core.Events.Routing;
using Portable.Core.Functions;

namespace Portable.Deploy.EventBridge;

/// <summary>
/// Exports the manifest's routing rules as EventBridge rules: <c>aws/event-rules.sam.json</c>, an AWS SAM template
/// (JSON) with one <c>AWS::Serverless::Function</c> per event function (the bootstrap with <c>Handler</c> = the
/// function's name) whose <c>EventBridgeRule</c> event is its rule — <c>RuleName</c> the rule's name,
/// <c>Pattern</c> the event pattern exactly as the manifest declares it, the function the target, on the bus the
/// <c>EventBusName</c> parameter names (<c>default</c> unless given). Per rule it also declares the
/// <c>{rule}-dlq</c> SQS queue Portable's dead-letter sink sends a poison event to (the function may find and send to
/// it), and makes it the rule's <c>DeadLetterConfig</c> (events EventBridge could not deliver, with a queue policy for
/// the rule) and the function's <c>DeadLetterQueue</c> (asynchronous invocations Lambda gave up on), so every event
/// that did not get through ends up, as the event itself, in one queue per rule. Retries are the platforms' defaults,
/// written out: EventBridge's <c>RetryPolicy</c> 185 attempts within 24 hours, Lambda's <c>EventInvokeConfig</c> 2
/// retries within 6 hours. Event functions may publish events themselves, so each gets <c>PORTABLE_EVENTBRIDGE_BUS</c>
/// and <c>events:PutEvents</c> on the bus. A function whose trigger sets <see cref="EventTriggerOptions.Timeout"/> (a
/// choreographed saga step retrying within one delivery) gets that <c>Timeout</c>, rounded up to whole seconds; the
/// others the template's 30 s. A manifest without event functions generates no file.
/// <para>
/// Google's Eventarc triggers come from the same <see cref="EventTrigger"/>s (<c>Eventarc/EventarcTriggersGenerator</c>),
/// with the patterns applied by Portable's router in the service, since Eventarc's filters match attributes exactly.
/// Not generated yet, for a later change: Azure's Event Grid subscriptions, whose advanced filters cover more of the
/// pattern language.
/// </para>
/// </summary>
public static class EventBridgeRulesGenerator
{
    /// <summary>The generated file's path under <c>deploy/</c>.</summary>
    public const string Path = "aws/event-rules.sam.json";

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

    /// <summary>The function timeout written when the trigger sets none: 30 s (an event function's deliveries are short).</summary>
    public const int DefaultFunctionTimeoutSeconds = 30;

    /// <summary>Lambda's longest function timeout: 900 s (https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html).</summary>
    public const int MaxFunctionTimeoutSeconds = 900;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        // A file for people to read, never embedded in HTML: keep quotes and operators such as ">=" as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The logical id CloudFormation gives a name: its words capitalised and joined (<c>on-inventory-reserved</c> → <c>OnInventoryReserved</c>).</summary>
    public static string LogicalId(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var id = new StringBuilder();
        foreach (var word in name.Split([.. name.Where(c => !char.IsAsciiLetterOrDigit(c)).Distinct()], StringSplitOptions.RemoveEmptyEntries))
        {
            id.Append(char.ToUpperInvariant(word[0])).Append(word.AsSpan(1));
        }

        return id.ToString();
    }

    /// <summary>The files for <paramref name="manifest"/>'s event functions: the template, or none when it has no event function.</summary>
    public static IReadOnlyList<DeployFile> Generate(FunctionManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var rules = new EventRouter(manifest).Rules; // refuses a rule name used twice
        if (rules.Count == 0)
        {
            return [];
        }

        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteString("AWSTemplateFormatVersion", "2010-09-09");
            w.WriteString("Transform", "AWS::Serverless-2016-10-31");
            w.WriteString("Description", "EventBridge rules of the manifest's event functions, generated by Portable's EventBridgeRulesGenerator (src/Deploy/EventBridge); do not edit: change the manifest and regenerate.");
            w.WriteStartObject("Parameters");
            w.WriteStartObject(BusParameter);
            w.WriteString("Type", "String");
            w.WriteString("Default", "default");
            w.WriteString("Description", "The event bus the rules are on and the functions publish to (PORTABLE_EVENTBRIDGE_BUS).");
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("Conditions");
            w.WriteStartObject("OnDefaultBus");
            w.WriteStartArray("Fn::Equals");
            Ref(w, BusParameter);
            w.WriteStringValue("default");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("Globals");
            w.WriteStartObject("Function");
            w.WriteString("Runtime", "provided.al2023");
            w.WriteString("CodeUri", "out/aws");
            w.WriteNumber("Timeout", DefaultFunctionTimeoutSeconds);
            w.WriteStartObject("Environment");
            w.WriteStartObject("Variables");
            w.WritePropertyName("PORTABLE_EVENTBRIDGE_BUS");
            Ref(w, BusParameter);
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteStartObject("Resources");
            foreach (var (function, trigger) in rules)
            {
                WriteFunction(w, function, trigger);
                WriteDeadLetterQueue(w, trigger);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        return [new DeployFile(Path, Encoding.UTF8.GetString(buffer.ToArray()) + "\n")];
    }

    private static void WriteFunction(Utf8JsonWriter w, FunctionDefinition function, EventTrigger trigger)
    {
        var queue = DeadLetterQueueId(trigger);
        w.WriteStartObject(LogicalId(function.Name) + "Function");
        w.WriteString("Type", "AWS::Serverless::Function");
        w.WriteStartObject("Properties");
        w.WriteString("Handler", function.Name);
        if (trigger.Options.Timeout is { } timeout)
        {
            w.WriteNumber("Timeout", FunctionTimeoutSeconds(function, timeout));
        }

        w.WriteStartObject("EventInvokeConfig");
        w.WriteNumber("MaximumRetryAttempts", LambdaMaximumRetryAttempts);
        w.WriteNumber("MaximumEventAgeInSeconds", LambdaMaximumEventAgeSeconds);
        w.WriteEndObject();
        w.WriteStartObject("DeadLetterQueue");
        w.WriteString("Type", "SQS");
        w.WritePropertyName("TargetArn");
        GetAtt(w, queue, "Arn");
        w.WriteEndObject();
        w.WriteStartArray("Policies");
        w.WriteStartObject();
        w.WriteStartObject("EventBridgePutEventsPolicy");
        w.WritePropertyName("EventBusName");
        Ref(w, BusParameter);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteStartObject();
        w.WriteStartArray("Statement");
        w.WriteStartObject();
        w.WriteString("Effect", "Allow");
        w.WriteStartArray("Action");
        w.WriteStringValue("sqs:GetQueueUrl");
        w.WriteStringValue("sqs:SendMessage");
        w.WriteEndArray();
        w.WritePropertyName("Resource");
        GetAtt(w, queue, "Arn");
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteStartObject("Events");
        w.WriteStartObject(LogicalId(trigger.Rule));
        w.WriteString("Type", "EventBridgeRule");
        w.WriteStartObject("Properties");
        w.WriteString("RuleName", trigger.Rule);
        w.WritePropertyName("EventBusName");
        Ref(w, BusParameter);
        w.WritePropertyName("Pattern");
        using (var pattern = JsonDocument.Parse(trigger.Pattern.Json))
        {
            pattern.RootElement.WriteTo(w);
        }

        w.WriteStartObject("RetryPolicy");
        w.WriteNumber("MaximumRetryAttempts", EventBridgeMaximumRetryAttempts);
        w.WriteNumber("MaximumEventAgeInSeconds", EventBridgeMaximumEventAgeSeconds);
        w.WriteEndObject();
        w.WriteStartObject("DeadLetterConfig");
        w.WritePropertyName("Arn");
        GetAtt(w, queue, "Arn");
        w.WriteEndObject();
        w.WriteStartObject("Target");
        w.WriteString("Id", function.Name);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    // Whole seconds, rounded up, within Lambda's limit.
    private static int FunctionTimeoutSeconds(FunctionDefinition function, TimeSpan timeout)
    {
        var seconds = (int)Math.Ceiling(timeout.TotalSeconds);
        return seconds <= MaxFunctionTimeoutSeconds
            ? seconds
            : throw new InvalidOperationException($"Function '{function.Name}' needs {seconds} s per delivery; a Lambda function may run at most {MaxFunctionTimeoutSeconds} s.");
    }

    // The rule's dead-letter queue, {rule}-dlq, and the policy that lets the rule (on the template's bus) send to it.
    private static void WriteDeadLetterQueue(Utf8JsonWriter w, EventTrigger trigger)
    {
        var queue = DeadLetterQueueId(trigger);
        w.WriteStartObject(queue);
        w.WriteString("Type", "AWS::SQS::Queue");
        w.WriteStartObject("Properties");
        w.WriteString("QueueName", trigger.Rule + "-dlq");
        w.WriteNumber("MessageRetentionPeriod", 1209600); // 14 days, SQS's longest.
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject(queue + "Policy");
        w.WriteString("Type", "AWS::SQS::QueuePolicy");
        w.WriteStartObject("Properties");
        w.WriteStartArray("Queues");
        Ref(w, queue);
        w.WriteEndArray();
        w.WriteStartObject("PolicyDocument");
        w.WriteString("Version", "2012-10-17");
        w.WriteStartArray("Statement");
        w.WriteStartObject();
        w.WriteString("Effect", "Allow");
        w.WriteStartObject("Principal");
        w.WriteString("Service", "events.amazonaws.com");
        w.WriteEndObject();
        w.WriteString("Action", "sqs:SendMessage");
        w.WritePropertyName("Resource");
        GetAtt(w, queue, "Arn");
        w.WriteStartObject("Condition");
        w.WriteStartObject("ArnEquals");
        w.WriteStartObject("aws:SourceArn");
        w.WriteStartArray("Fn::If");
        w.WriteStringValue("OnDefaultBus");
        Sub(w, $"arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/{trigger.Rule}");
        Sub(w, $"arn:${{AWS::Partition}}:events:${{AWS::Region}}:${{AWS::AccountId}}:rule/${{{BusParameter}}}/{trigger.Rule}");
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string DeadLetterQueueId(EventTrigger trigger) => LogicalId(trigger.Rule) + "DeadLetterQueue";

    private static void Ref(Utf8JsonWriter w, string name)
    {
        w.WriteStartObject();
        w.WriteString("Ref", name);
        w.WriteEndObject();
    }

    private static void GetAtt(Utf8JsonWriter w, string resource, string attribute)
    {
        w.WriteStartObject();
        w.WriteStartArray("Fn::GetAtt");
        w.WriteStringValue(resource);
        w.WriteStringValue(attribute);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Sub(Utf8JsonWriter w, string template)
    {
        w.WriteStartObject();
        w.WriteString("Fn::Sub", template);
        w.WriteEndObject();
    }
}
