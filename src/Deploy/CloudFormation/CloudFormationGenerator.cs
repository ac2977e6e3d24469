using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Core.Sagas;
using Portable.Core.Schedules;
using Portable.Core.Storage;
using Portable.Core.Streams;
using Portable.Deploy.EventBridge;
using Portable.Deploy.StepFunctions;

namespace Portable.Deploy.CloudFormation;

/// <summary>
/// The whole app as one plain CloudFormation template, <c>aws/template.json</c> (no SAM transform, so AWS's own
/// validator checks it offline). Per function: an <c>AWS::Lambda::Function</c> on <c>provided.al2023</c> (the bootstrap,
/// <c>Handler</c> = the manifest name, which the bootstrap reads from <c>_HANDLER</c>) with the memory, timeout and
/// architecture of its <see cref="FunctionDeployment"/>, its own log group and role, and what its trigger needs:
/// <list type="bullet">
/// <item>HTTP: routes on one API Gateway HTTP API (payload 2.0, the <c>$default</c> stage);</item>
/// <item>queue: the SQS queue (visibility 6 × the function's timeout, as Lambda advises) redriving to <c>&lt;queue&gt;-dlq</c>
/// after 5 receives (<c>DeliveryProfile</c>'s SQS count), and an event source mapping reporting batch item failures;</item>
/// <item>schedule: an EventBridge Scheduler schedule in the manifest's time zone passing <c>scheduledTime</c>;</item>
/// <item>event: an EventBridge rule with the pattern exactly as declared (<see cref="EventBridgeRules"/>);</item>
/// <item>saga steps: the saga's Step Functions state machine (<see cref="StepFunctionsGenerator"/>'s definition, inline);</item>
/// <item>stream: a Kinesis stream and a mapping reporting batch item failures, failed batches to <c>&lt;stream&gt;-dlq</c>;</item>
/// <item>storage: an S3 bucket sending its events to EventBridge, and a rule routing Object Created with the trigger's prefix and suffix;</item>
/// </list>
/// One DynamoDB table holds the state store (<c>PORTABLE_DYNAMODB_TABLE</c>). Every role allows only the actions its
/// function uses on the resources of this stack; the only wildcards are a log group's own streams and, for a storage
/// function, the objects of its bucket, which have no names to list.
/// </summary>
public static class CloudFormationGenerator
{
    /// <summary>The generated file's path under <c>deploy/</c>.</summary>
    public const string Path = "aws/template.json";

    /// <summary>The template parameter every physical name starts with.</summary>
    public const string PrefixParameter = "Prefix";

    /// <summary>The template parameters naming the bootstrap's zip in S3.</summary>
    public const string CodeBucketParameter = "CodeS3Bucket";

    /// <summary>The S3 key of the bootstrap's zip.</summary>
    public const string CodeKeyParameter = "CodeS3Key";

    /// <summary>The logical id of the state store's table.</summary>
    public const string TableId = "StateTable";

    /// <summary>The logical id of the HTTP API.</summary>
    public const string HttpApiId = "HttpApi";

    /// <summary>Receives before SQS moves a message to the dead-letter queue: 5, as <c>DeliveryProfile</c> has it for SQS.</summary>
    public const int MaxReceiveCount = 5;

    /// <summary>The alias that carries provisioned concurrency.</summary>
    public const string LiveAlias = "live";

    private static readonly string[] LogActions = ["logs:CreateLogStream", "logs:PutLogEvents"];
    private static readonly string[] StateActions = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"];
    private static readonly string[] ConsumeActions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"];
    private static readonly string[] SendActions = ["sqs:GetQueueUrl", "sqs:SendMessage"];
    private static readonly string[] StreamActions = ["kinesis:DescribeStream", "kinesis:DescribeStreamSummary", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:ListShards"];

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        IndentSize = 2,
        NewLine = "\n",
        // A file for people to read, never embedded in HTML: keep quotes, ${…} and operators such as ">=" as they are.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The logical id of <paramref name="function"/>'s <c>AWS::Lambda::Function</c>.</summary>
    public static string FunctionId(string function) => Cfn.LogicalId(function) + "Function";

    /// <summary>The logical id of a queue (<c>QueueId("payments")</c> → <c>PaymentsQueue</c>).</summary>
    public static string QueueId(string queue) => Cfn.LogicalId(queue) + "Queue";

    /// <summary>The logical id of a queue's dead-letter queue.</summary>
    public static string DeadLetterQueueId(string queue) => Cfn.LogicalId(queue) + "DeadLetterQueue";

    /// <summary>The template for <paramref name="manifest"/> deployed with <paramref name="options"/> (the defaults when null).</summary>
    /// <exception cref="ArgumentException">The options name an unknown function or queue, or a schedule cannot be written for Scheduler.</exception>
    public static DeployFile Generate(FunctionManifest manifest, DeploymentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        options ??= new DeploymentOptions();
        options.ValidateAgainst(manifest);
        var template = new Template(manifest, options);
        foreach (var function in manifest.Functions)
        {
            template.AddFunction(function);
        }

        return new DeployFile(Path, template.Root.ToJsonString(Json) + "\n");
    }

    /// <summary>The template being written: its sections, and per function the role statements its trigger adds.</summary>
    internal sealed class Template
    {
        private readonly FunctionManifest _manifest;
        private readonly DeploymentOptions _options;
        private readonly HashSet<string> _queues;

        public Template(FunctionManifest manifest, DeploymentOptions options)
        {
            _manifest = manifest;
            _options = options;
            _queues = [.. manifest.FunctionsOf<QueueTrigger>().Select(q => q.Trigger.Queue)];
            var hasEvents = manifest.FunctionsOf<EventTrigger>().Any();
            Parameters[PrefixParameter] = new JsonObject
            {
                ["Type"] = "String",
                ["Default"] = "portable",
                ["AllowedPattern"] = "^[a-z][a-z0-9-]{0,20}$",
                ["Description"] = "Starts every function, log group, role and table name, so two stacks of the app can share an account.",
            };
            Parameters[CodeBucketParameter] = new JsonObject { ["Type"] = "String", ["Description"] = "The S3 bucket holding the bootstrap's zip (dotnet lambda package, see deploy/aws/README.md)." };
            Parameters[CodeKeyParameter] = new JsonObject { ["Type"] = "String", ["Default"] = "portable/bootstrap.zip", ["Description"] = "The zip's key in that bucket." };
            if (hasEvents)
            {
                EventBridgeRules.AddParameters(this);
            }

            Resources[TableId] = new JsonObject
            {
                ["Type"] = "AWS::DynamoDB::Table",
                ["DeletionPolicy"] = "Retain",
                ["UpdateReplacePolicy"] = "Retain",
                ["Properties"] = new JsonObject
                {
                    ["TableName"] = Cfn.Sub($"${{{PrefixParameter}}}-state"),
                    ["BillingMode"] = "PAY_PER_REQUEST",
                    // DynamoDbStateStore's key: the collection, then the entry's key; ttl is the expiry in Unix seconds.
                    ["AttributeDefinitions"] = new JsonArray(
                        new JsonObject { ["AttributeName"] = "collection", ["AttributeType"] = "S" },
                        new JsonObject { ["AttributeName"] = "key", ["AttributeType"] = "S" }),
                    ["KeySchema"] = new JsonArray(
                        new JsonObject { ["AttributeName"] = "collection", ["KeyType"] = "HASH" },
                        new JsonObject { ["AttributeName"] = "key", ["KeyType"] = "RANGE" }),
                    ["TimeToLiveSpecification"] = new JsonObject { ["AttributeName"] = "ttl", ["Enabled"] = true },
                    ["PointInTimeRecoverySpecification"] = new JsonObject { ["PointInTimeRecoveryEnabled"] = true },
                },
            };
            Outputs["StateTableName"] = new JsonObject { ["Description"] = "PORTABLE_DYNAMODB_TABLE of every function.", ["Value"] = Cfn.Ref(TableId) };
            foreach (var queue in _queues.Order(StringComparer.Ordinal))
            {
                AddQueue(queue);
            }
        }

        public JsonObject Parameters { get; } = [];

        public JsonObject Resources { get; } = [];

        public JsonObject Outputs { get; } = [];

        public JsonObject Root
        {
            get
            {
                var root = new JsonObject
                {
                    ["AWSTemplateFormatVersion"] = "2010-09-09",
                    ["Description"] = "Portable's app on AWS Lambda, generated from the manifest by Portable.Deploy (src/Deploy/CloudFormation); do not edit: change the manifest or the deployment options and run `portable deploy`.",
                    [nameof(Parameters)] = Parameters.DeepClone(),
                    [nameof(Resources)] = Resources.DeepClone(),
                    [nameof(Outputs)] = Outputs.DeepClone(),
                };
                return root;
            }
        }

        /// <summary>The function's physical name: <c>${Prefix}-name</c>.</summary>
        public static string FunctionName(string function) => $"${{{PrefixParameter}}}-{function}";

        /// <summary>What triggers invoke: the function, or its <c>live</c> alias when it has provisioned concurrency.</summary>
        public JsonNode InvokeTarget(FunctionDefinition function) =>
            _options.For(function).ProvisionedConcurrency > 0 ? Cfn.Ref(Cfn.LogicalId(function.Name) + "LiveAlias") : Cfn.GetAtt(FunctionId(function.Name), "Arn");

        public void AddFunction(FunctionDefinition function)
        {
            var deployment = _options.For(function);
            var id = Cfn.LogicalId(function.Name);
            var statements = new JsonArray(
                Cfn.Allow(LogActions, Cfn.Sub($"arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:/aws/lambda/{FunctionName(function.Name)}:*")),
                Cfn.Allow(StateActions, Cfn.GetAtt(TableId, "Arn")));
            var environment = new JsonObject { ["PORTABLE_DYNAMODB_TABLE"] = Cfn.Ref(TableId) };
            var sends = deployment.SendsTo.ToList();
            if (function.Trigger is QueueTrigger own)
            {
                statements.Add(Cfn.Allow(ConsumeActions, Cfn.GetAtt(QueueId(own.Queue), "Arn")));
                statements.Add(Cfn.Allow(SendActions, Cfn.GetAtt(DeadLetterQueueId(own.Queue), "Arn")));
            }

            foreach (var queue in sends.Distinct(StringComparer.Ordinal))
            {
                if (!_queues.Contains(queue))
                {
                    throw new ArgumentException($"Function '{function.Name}' is set to send to queue '{queue}', which no queue function of the manifest consumes.");
                }

                statements.Add(Cfn.Allow(SendActions, Cfn.GetAtt(QueueId(queue), "Arn")));
            }

            var resource = new JsonObject
            {
                ["FunctionName"] = Cfn.Sub(FunctionName(function.Name)),
                ["Description"] = $"{function.Name} ({function.Trigger.Kind}), from the manifest",
                ["Runtime"] = "provided.al2023",
                ["Handler"] = function.Name,
                ["Architectures"] = new JsonArray(deployment.Architecture == LambdaArchitecture.Arm64 ? "arm64" : "x86_64"),
                ["MemorySize"] = deployment.MemoryMb,
                ["Timeout"] = deployment.TimeoutSeconds,
                ["Role"] = Cfn.GetAtt(id + "Role", "Arn"),
                ["Code"] = new JsonObject { ["S3Bucket"] = Cfn.Ref(CodeBucketParameter), ["S3Key"] = Cfn.Ref(CodeKeyParameter) },
                ["LoggingConfig"] = new JsonObject { ["LogFormat"] = "Text", ["LogGroup"] = Cfn.Ref(id + "LogGroup") },
            };
            Resources[id + "LogGroup"] = new JsonObject
            {
                ["Type"] = "AWS::Logs::LogGroup",
                ["DeletionPolicy"] = "Delete",
                ["UpdateReplacePolicy"] = "Delete",
                ["Properties"] = new JsonObject { ["LogGroupName"] = Cfn.Sub($"/aws/lambda/{FunctionName(function.Name)}"), ["RetentionInDays"] = 30 },
            };

            switch (function.Trigger)
            {
                case HttpTrigger http:
                    AddHttp(function, http, deployment);
                    break;
                case QueueTrigger queue:
                    AddQueueMapping(function, queue);
                    break;
                case ScheduleTrigger schedule:
                    AddSchedule(function, schedule);
                    break;
                case SagaStepTrigger saga:
                    AddStateMachine(function, saga.Definition);
                    break;
                case EventTrigger trigger:
                    EventBridgeRules.Add(this, function, trigger, resource, statements, environment);
                    break;
                case StreamTrigger stream:
                    AddStream(function, stream, statements);
                    break;
                case StorageTrigger storage:
                    AddStorage(function, storage, statements);
                    break;
                default:
                    throw new ArgumentException($"Function '{function.Name}' has a {function.Trigger.GetType().Name}, which CloudFormationGenerator does not deploy.", nameof(function));
            }

            resource["Environment"] = new JsonObject { ["Variables"] = environment };
            Resources[id + "Function"] = Cfn.Resource("AWS::Lambda::Function", resource);
            Resources[id + "Role"] = Cfn.Resource("AWS::IAM::Role", new JsonObject
            {
                ["RoleName"] = Cfn.Sub($"{FunctionName(function.Name)}-{function.Trigger.Kind}"),
                ["AssumeRolePolicyDocument"] = Cfn.AssumedBy("lambda.amazonaws.com"),
                ["Policies"] = new JsonArray(new JsonObject
                {
                    ["PolicyName"] = "least-privilege",
                    ["PolicyDocument"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = statements },
                }),
            });
            if (deployment.ProvisionedConcurrency > 0)
            {
                Resources[id + "Version"] = Cfn.Resource("AWS::Lambda::Version", new JsonObject { ["FunctionName"] = Cfn.Ref(id + "Function") });
                Resources[id + "LiveAlias"] = Cfn.Resource("AWS::Lambda::Alias", new JsonObject
                {
                    ["FunctionName"] = Cfn.Ref(id + "Function"),
                    ["FunctionVersion"] = Cfn.GetAtt(id + "Version", "Version"),
                    ["Name"] = LiveAlias,
                    ["ProvisionedConcurrencyConfig"] = new JsonObject { ["ProvisionedConcurrentExecutions"] = deployment.ProvisionedConcurrency },
                });
            }
        }

        // A queue and its <queue>-dlq: the dead-letter queue SQS redrives to after MaxReceiveCount receives, which is also where
        // Portable's SqsDeadLetterSink sends a message the handler refused for good.
        private void AddQueue(string queue)
        {
            var consumer = _manifest.FunctionsOf<QueueTrigger>().First(q => q.Trigger.Queue == queue);
            var timeout = _options.For(consumer.Function).TimeoutSeconds!.Value;
            var fifo = _manifest.FunctionsOf<QueueTrigger>().Any(q => q.Trigger.Queue == queue && q.Trigger.Options.Fifo);
            if (fifo && !queue.EndsWith(".fifo", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Queue '{queue}' is FIFO, so SQS needs its name to end in .fifo.");
            }

            var dlqName = fifo ? queue[..^".fifo".Length] + "-dlq.fifo" : queue + "-dlq";
            var dlq = new JsonObject { ["QueueName"] = dlqName, ["MessageRetentionPeriod"] = 1209600 }; // 14 days, SQS's longest.
            var main = new JsonObject
            {
                ["QueueName"] = queue,
                // Lambda's advice for an SQS event source: a visibility timeout of at least six times the function's timeout.
                ["VisibilityTimeout"] = Math.Min(6 * timeout, 43200),
                ["RedrivePolicy"] = new JsonObject { ["deadLetterTargetArn"] = Cfn.GetAtt(DeadLetterQueueId(queue), "Arn"), ["maxReceiveCount"] = MaxReceiveCount },
            };
            if (fifo)
            {
                dlq["FifoQueue"] = true;
                main["FifoQueue"] = true;
            }

            Resources[DeadLetterQueueId(queue)] = Cfn.Resource("AWS::SQS::Queue", dlq);
            Resources[QueueId(queue)] = Cfn.Resource("AWS::SQS::Queue", main);
        }

        private void AddQueueMapping(FunctionDefinition function, QueueTrigger queue)
        {
            var mapping = new JsonObject
            {
                ["EventSourceArn"] = Cfn.GetAtt(QueueId(queue.Queue), "Arn"),
                ["FunctionName"] = InvokeTarget(function),
                ["BatchSize"] = queue.Options.BatchSize,
                ["FunctionResponseTypes"] = new JsonArray("ReportBatchItemFailures"),
            };
            if (queue.Options.BatchSize > 10)
            {
                // SQS mappings with more than 10 messages a batch need a batching window.
                mapping["MaximumBatchingWindowInSeconds"] = 1;
            }

            Resources[Cfn.LogicalId(function.Name) + "QueueMapping"] = new JsonObject
            {
                ["Type"] = "AWS::Lambda::EventSourceMapping",
                ["DependsOn"] = new JsonArray(Cfn.LogicalId(function.Name) + "Role"),
                ["Properties"] = mapping,
            };
        }

        private void AddHttp(FunctionDefinition function, HttpTrigger http, FunctionDeployment deployment)
        {
            if (!Resources.ContainsKey(HttpApiId))
            {
                Resources[HttpApiId] = Cfn.Resource("AWS::ApiGatewayV2::Api", new JsonObject
                {
                    ["Name"] = Cfn.Sub($"${{{PrefixParameter}}}-http"),
                    ["ProtocolType"] = "HTTP",
                    ["Description"] = "The manifest's HTTP functions' routes.",
                });
                Resources[HttpApiId + "DefaultStage"] = Cfn.Resource("AWS::ApiGatewayV2::Stage", new JsonObject
                {
                    ["ApiId"] = Cfn.Ref(HttpApiId),
                    ["StageName"] = "$default",
                    ["AutoDeploy"] = true,
                });
                Outputs["HttpApiUrl"] = new JsonObject { ["Description"] = "The HTTP API's base URL.", ["Value"] = Cfn.GetAtt(HttpApiId, "ApiEndpoint") };
            }

            var id = Cfn.LogicalId(function.Name);
            Resources[id + "Integration"] = Cfn.Resource("AWS::ApiGatewayV2::Integration", new JsonObject
            {
                ["ApiId"] = Cfn.Ref(HttpApiId),
                ["IntegrationType"] = "AWS_PROXY",
                ["IntegrationUri"] = InvokeTarget(function),
                ["PayloadFormatVersion"] = "2.0",
                // An HTTP API waits at most 30 s for an integration.
                ["TimeoutInMillis"] = Math.Min(deployment.TimeoutSeconds!.Value * 1000, 30000),
            });
            var index = 0;
            foreach (var route in http.Routes)
            {
                Resources[$"{id}Route{index++}"] = Cfn.Resource("AWS::ApiGatewayV2::Route", new JsonObject
                {
                    ["ApiId"] = Cfn.Ref(HttpApiId),
                    ["RouteKey"] = $"{route.Method} {route.Template.Text}",
                    ["Target"] = Cfn.Sub($"integrations/${{{id}Integration}}"),
                });
            }

            Resources[id + "HttpPermission"] = Cfn.Resource("AWS::Lambda::Permission", new JsonObject
            {
                ["Action"] = "lambda:InvokeFunction",
                ["FunctionName"] = InvokeTarget(function),
                ["Principal"] = "apigateway.amazonaws.com",
                // Any route and stage of this API only.
                ["SourceArn"] = Cfn.Sub($"arn:${{AWS::Partition}}:execute-api:${{AWS::Region}}:${{AWS::AccountId}}:${{{HttpApiId}}}/*"),
            });
        }

        private void AddSchedule(FunctionDefinition function, ScheduleTrigger schedule)
        {
            var id = Cfn.LogicalId(function.Name);
            Resources[id + "SchedulerRole"] = Cfn.Resource("AWS::IAM::Role", new JsonObject
            {
                ["AssumeRolePolicyDocument"] = Cfn.AssumedBy("scheduler.amazonaws.com", Cfn.SameAccount()),
                ["Policies"] = new JsonArray(new JsonObject
                {
                    ["PolicyName"] = "invoke-" + function.Name,
                    ["PolicyDocument"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(Cfn.Allow(["lambda:InvokeFunction"], InvokeTarget(function))) },
                }),
            });
            Resources[id + "Schedule"] = Cfn.Resource("AWS::Scheduler::Schedule", new JsonObject
            {
                ["Name"] = Cfn.Sub(FunctionName(function.Name)),
                ["Description"] = $"{function.Name}: {schedule.Schedule}",
                ["ScheduleExpression"] = ScheduleExpression.Cron(schedule.Schedule),
                ["ScheduleExpressionTimezone"] = schedule.Schedule.TimeZoneId,
                ["FlexibleTimeWindow"] = new JsonObject { ["Mode"] = "OFF" },
                ["Target"] = new JsonObject
                {
                    ["Arn"] = InvokeTarget(function),
                    ["RoleArn"] = Cfn.GetAtt(id + "SchedulerRole", "Arn"),
                    // ScheduleTriggerMapper reads the occurrence from scheduledTime.
                    ["Input"] = """{"scheduledTime":"<aws.scheduler.scheduled-time>"}""",
                    ["RetryPolicy"] = new JsonObject { ["MaximumRetryAttempts"] = 2, ["MaximumEventAgeInSeconds"] = 3600 },
                },
            });
        }

        private void AddStateMachine(FunctionDefinition function, SagaDefinition saga)
        {
            var id = Cfn.LogicalId(saga.Name) + "SagaStateMachine";
            Resources[id + "Role"] = Cfn.Resource("AWS::IAM::Role", new JsonObject
            {
                ["AssumeRolePolicyDocument"] = Cfn.AssumedBy("states.amazonaws.com", Cfn.SameAccount()),
                ["Policies"] = new JsonArray(new JsonObject
                {
                    ["PolicyName"] = "invoke-" + function.Name,
                    ["PolicyDocument"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(Cfn.Allow(["lambda:InvokeFunction"], InvokeTarget(function))) },
                }),
            });
            Resources[id] = Cfn.Resource("AWS::StepFunctions::StateMachine", new JsonObject
            {
                ["StateMachineName"] = Cfn.Sub($"${{{PrefixParameter}}}-{saga.Name}-saga"),
                ["StateMachineType"] = "STANDARD",
                ["RoleArn"] = Cfn.GetAtt(id + "Role", "Arn"),
                ["Definition"] = JsonNode.Parse(StepFunctionsGenerator.Generate(saga).Content),
                ["DefinitionSubstitutions"] = new JsonObject { [StepFunctionsGenerator.FunctionArnSubstitution(saga)] = InvokeTarget(function) },
            });
            Outputs[id + "Arn"] = new JsonObject { ["Description"] = $"Start one execution per order of the {saga.Name} saga: {{\"sagaId\": \"<id>\"}}.", ["Value"] = Cfn.Ref(id) };
        }

        private void AddStream(FunctionDefinition function, StreamTrigger stream, JsonArray statements)
        {
            var id = Cfn.LogicalId(stream.Stream) + "Stream";
            Resources.TryAdd(id, Cfn.Resource("AWS::Kinesis::Stream", new JsonObject
            {
                ["Name"] = stream.Stream,
                ["StreamModeDetails"] = new JsonObject { ["StreamMode"] = "ON_DEMAND" },
                ["StreamEncryption"] = new JsonObject { ["EncryptionType"] = "KMS", ["KeyId"] = "alias/aws/kinesis" },
            }));
            var dlqId = Cfn.LogicalId(stream.Stream) + "StreamDeadLetterQueue";
            Resources.TryAdd(dlqId, Cfn.Resource("AWS::SQS::Queue", new JsonObject { ["QueueName"] = stream.Stream + "-dlq", ["MessageRetentionPeriod"] = 1209600 }));
            statements.Add(Cfn.Allow(StreamActions, Cfn.GetAtt(id, "Arn")));
            statements.Add(Cfn.Allow(SendActions, Cfn.GetAtt(dlqId, "Arn")));
            Resources[Cfn.LogicalId(function.Name) + "StreamMapping"] = new JsonObject
            {
                ["Type"] = "AWS::Lambda::EventSourceMapping",
                ["DependsOn"] = new JsonArray(Cfn.LogicalId(function.Name) + "Role"),
                ["Properties"] = new JsonObject
                {
                    ["EventSourceArn"] = Cfn.GetAtt(id, "Arn"),
                    ["FunctionName"] = InvokeTarget(function),
                    ["StartingPosition"] = "TRIM_HORIZON",
                    ["BatchSize"] = stream.Options.BatchSize,
                    ["FunctionResponseTypes"] = new JsonArray("ReportBatchItemFailures"),
                    ["MaximumRetryAttempts"] = MaxReceiveCount,
                    ["DestinationConfig"] = new JsonObject { ["OnFailure"] = new JsonObject { ["Destination"] = Cfn.GetAtt(dlqId, "Arn") } },
                },
            };
        }

        // S3 sends Object Created events to EventBridge (S3EventMapper reads them), and a rule on the default bus routes those of
        // this bucket whose key passes the trigger's filter to the function: no bucket-to-function dependency cycle, and the
        // permission names the rule.
        private void AddStorage(FunctionDefinition function, StorageTrigger storage, JsonArray statements)
        {
            var bucketId = Cfn.LogicalId(storage.Bucket) + "Bucket";
            Resources.TryAdd(bucketId, new JsonObject
            {
                ["Type"] = "AWS::S3::Bucket",
                ["DeletionPolicy"] = "Retain",
                ["UpdateReplacePolicy"] = "Retain",
                ["Properties"] = new JsonObject
                {
                    // Bucket names are global: the account id keeps this one apart.
                    ["BucketName"] = Cfn.Sub($"${{{PrefixParameter}}}-${{AWS::AccountId}}-{storage.Bucket}"),
                    ["PublicAccessBlockConfiguration"] = new JsonObject
                    {
                        ["BlockPublicAcls"] = true,
                        ["BlockPublicPolicy"] = true,
                        ["IgnorePublicAcls"] = true,
                        ["RestrictPublicBuckets"] = true,
                    },
                    ["NotificationConfiguration"] = new JsonObject { ["EventBridgeConfiguration"] = new JsonObject { ["EventBridgeEnabled"] = true } },
                },
            });
            var key = (storage.Prefix, storage.Suffix) switch
            {
                (null, null) => null,
                (not null, null) => new JsonObject { ["prefix"] = storage.Prefix },
                (null, not null) => new JsonObject { ["suffix"] = storage.Suffix },
                _ => new JsonObject { ["wildcard"] = $"{storage.Prefix}*{storage.Suffix}" },
            };
            var detail = new JsonObject { ["bucket"] = new JsonObject { ["name"] = new JsonArray(Cfn.Ref(bucketId)) } };
            if (key is not null)
            {
                detail["object"] = new JsonObject { ["key"] = new JsonArray(key) };
            }

            var ruleId = Cfn.LogicalId(function.Name) + "StorageRule";
            Resources[ruleId] = Cfn.Resource("AWS::Events::Rule", new JsonObject
            {
                ["Description"] = $"Objects created in {storage.Bucket} for {function.Name}",
                ["EventPattern"] = new JsonObject
                {
                    ["source"] = new JsonArray("aws.s3"),
                    ["detail-type"] = new JsonArray("Object Created"),
                    ["detail"] = detail,
                },
                ["State"] = "ENABLED",
                ["Targets"] = new JsonArray(new JsonObject
                {
                    ["Id"] = function.Name,
                    ["Arn"] = InvokeTarget(function),
                    ["RetryPolicy"] = new JsonObject
                    {
                        ["MaximumRetryAttempts"] = EventBridgeRules.EventBridgeMaximumRetryAttempts,
                        ["MaximumEventAgeInSeconds"] = EventBridgeRules.EventBridgeMaximumEventAgeSeconds,
                    },
                }),
            });
            Resources[Cfn.LogicalId(function.Name) + "StoragePermission"] = Cfn.Resource("AWS::Lambda::Permission", new JsonObject
            {
                ["Action"] = "lambda:InvokeFunction",
                ["FunctionName"] = InvokeTarget(function),
                ["Principal"] = "events.amazonaws.com",
                ["SourceArn"] = Cfn.GetAtt(ruleId, "Arn"),
            });

            // Object keys are not known ahead: the function may read what its prefix lets through, in its own bucket.
            statements.Add(Cfn.Allow(["s3:GetObject"], Cfn.Sub($"arn:${{AWS::Partition}}:s3:::${{{bucketId}}}/{storage.Prefix}*")));
        }
    }
}
