namespace Portable.Pricing.Model;

/// <summary>The keys of every price the cost model reads; a test checks each is in the committed data.</summary>
public static class PriceKeys
{
#pragma warning disable CS1591 // each constant is its key, documented in Data/prices.json
    public const string LambdaRequests = "aws.lambda.requests";
    public const string LambdaX86Tier1 = "aws.lambda.duration.x86.tier1";
    public const string LambdaX86Tier2 = "aws.lambda.duration.x86.tier2";
    public const string LambdaX86Tier3 = "aws.lambda.duration.x86.tier3";
    public const string LambdaArmTier1 = "aws.lambda.duration.arm64.tier1";
    public const string LambdaArmTier2 = "aws.lambda.duration.arm64.tier2";
    public const string LambdaArmTier3 = "aws.lambda.duration.arm64.tier3";
    public const string HttpApiTier1 = "aws.apigw.http.tier1";
    public const string HttpApiTier2 = "aws.apigw.http.tier2";
    public const string RestApiTier1 = "aws.apigw.rest.tier1";
    public const string RestApiTier2 = "aws.apigw.rest.tier2";
    public const string RestApiTier3 = "aws.apigw.rest.tier3";
    public const string RestApiTier4 = "aws.apigw.rest.tier4";
    public const string SqsTier1 = "aws.sqs.standard.tier1";
    public const string SqsTier2 = "aws.sqs.standard.tier2";
    public const string SqsTier3 = "aws.sqs.standard.tier3";
    public const string EventBridgeEvents = "aws.eventbridge.custom_events";
    public const string EventBridgeScheduler = "aws.eventbridge.scheduler";
    public const string KinesisShardHour = "aws.kinesis.shard_hour";
    public const string KinesisPutUnits = "aws.kinesis.put_units";
    public const string StepFunctionsStandard = "aws.sfn.standard";
    public const string DynamoDbWrite = "aws.dynamodb.ondemand.write";
    public const string DynamoDbRead = "aws.dynamodb.ondemand.read";
    public const string CloudWatchLogs = "aws.cloudwatch.logs.ingest";
    public const string Ec2T3Medium = "aws.ec2.t3_medium";
    public const string CloudRunRequestCpu = "gcp.cloudrun.request.cpu";
    public const string CloudRunRequestMemory = "gcp.cloudrun.request.memory";
    public const string CloudRunRequests = "gcp.cloudrun.request.requests";
    public const string CloudRunInstanceCpu = "gcp.cloudrun.instance.cpu";
    public const string CloudRunInstanceMemory = "gcp.cloudrun.instance.memory";
    public const string PubSubThroughput = "gcp.pubsub.throughput";
    public const string CloudSchedulerJob = "gcp.scheduler.job";
    public const string WorkflowsInternal = "gcp.workflows.internal";
    public const string CloudSqlMicro = "gcp.cloudsql.f1_micro";
    public const string CloudSqlSsd = "gcp.cloudsql.ssd";
    public const string CloudLogging = "gcp.logging.ingest";
    public const string ConsumptionGbs = "azure.functions.consumption.gbs";
    public const string ConsumptionExecutions = "azure.functions.consumption.executions";
    public const string FlexOnDemandGbs = "azure.functions.flex.ondemand.gbs";
    public const string FlexOnDemandExecutions = "azure.functions.flex.ondemand.executions";
    public const string FlexBaseline = "azure.functions.flex.alwaysready.baseline";
    public const string FlexAlwaysReadyGbs = "azure.functions.flex.alwaysready.execution";
    public const string FlexAlwaysReadyExecutions = "azure.functions.flex.alwaysready.executions";
    public const string QueueClass1 = "azure.storage.queue.class1";
    public const string QueueClass2 = "azure.storage.queue.class2";
    public const string TableTransactions = "azure.storage.table.transactions";
    public const string EventHubsThroughputUnit = "azure.eventhubs.standard.tu_hour";
    public const string EventHubsIngress = "azure.eventhubs.standard.ingress";
    public const string LogAnalytics = "azure.loganalytics.ingest";
    public const string AppServiceB1 = "azure.appservice.b1.linux";
#pragma warning restore CS1591

    /// <summary>Every key above.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        LambdaRequests, LambdaX86Tier1, LambdaX86Tier2, LambdaX86Tier3, LambdaArmTier1, LambdaArmTier2, LambdaArmTier3,
        HttpApiTier1, HttpApiTier2, RestApiTier1, RestApiTier2, RestApiTier3, RestApiTier4, SqsTier1, SqsTier2, SqsTier3,
        EventBridgeEvents, EventBridgeScheduler, KinesisShardHour, KinesisPutUnits, StepFunctionsStandard, DynamoDbWrite,
        DynamoDbRead, CloudWatchLogs, Ec2T3Medium, CloudRunRequestCpu, CloudRunRequestMemory, CloudRunRequests,
        CloudRunInstanceCpu, CloudRunInstanceMemory, PubSubThroughput, CloudSchedulerJob, WorkflowsInternal, CloudSqlMicro,
        CloudSqlSsd, CloudLogging, ConsumptionGbs, ConsumptionExecutions, FlexOnDemandGbs, FlexOnDemandExecutions,
        FlexBaseline, FlexAlwaysReadyGbs, FlexAlwaysReadyExecutions, QueueClass1, QueueClass2, TableTransactions,
        EventHubsThroughputUnit, EventHubsIngress, LogAnalytics, AppServiceB1,
    ];
}
