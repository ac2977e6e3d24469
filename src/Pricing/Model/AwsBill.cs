namespace Portable.Pricing.Model;

/// <summary>A pattern's lines on AWS (us-east-1): Lambda, API Gateway, SQS, EventBridge, Kinesis, Step Functions, DynamoDB, CloudWatch Logs.</summary>
internal static class AwsBill
{
    private static readonly string[] X86 = [PriceKeys.LambdaX86Tier1, PriceKeys.LambdaX86Tier2, PriceKeys.LambdaX86Tier3];
    private static readonly string[] Arm = [PriceKeys.LambdaArmTier1, PriceKeys.LambdaArmTier2, PriceKeys.LambdaArmTier3];
    private static readonly string[] HttpApi = [PriceKeys.HttpApiTier1, PriceKeys.HttpApiTier2];
    private static readonly string[] RestApi = [PriceKeys.RestApiTier1, PriceKeys.RestApiTier2, PriceKeys.RestApiTier3, PriceKeys.RestApiTier4];
    private static readonly string[] Sqs = [PriceKeys.SqsTier1, PriceKeys.SqsTier2, PriceKeys.SqsTier3];

    public static void Add(LineBuilder bill, PatternProfile pattern, Workload workload)
    {
        var n = workload.MonthlyInvocations;
        var executions = n * pattern.Executions;
        var chunks64K = Math.Ceiling(workload.MessageBytes / 65536m);

        bill.Metered(CostCategory.Compute, "Lambda requests", executions, "requests", PriceKeys.LambdaRequests);
        // Billed per 1 ms of duration; GB = configured MB / 1024 (AWS-LPAGE).
        var gbSeconds = executions * Math.Ceiling(workload.DurationMs) / 1000m * workload.MemoryMb / 1024m;
        var arm = workload.Architecture == Architecture.Arm64;
        bill.Tiered(CostCategory.Compute, arm ? "Lambda duration arm64" : "Lambda duration x86", gbSeconds, "GB-s", arm ? Arm : X86);

        if (pattern.FrontDoorRequests > 0 && workload.FrontDoor != FrontDoor.None)
        {
            var requests = n * pattern.FrontDoorRequests;
            var rest = workload.FrontDoor == FrontDoor.Rest;
            bill.Tiered(CostCategory.FrontDoor, rest ? "API Gateway REST API" : "API Gateway HTTP API", requests, "requests",
                rest ? RestApi : HttpApi, "its free tier is a 12-month offer for older accounts, never applied");
        }

        if (pattern.QueueMessages > 0)
        {
            // Send, receive and delete: every SQS API call is a request, per 64 KB chunk (AGENTLAB, EB-PAGE).
            bill.Tiered(CostCategory.Messaging, "SQS standard requests", n * pattern.QueueMessages * 3 * chunks64K, "requests", Sqs,
                "3 requests a message: send, receive, delete");
        }

        if (pattern.EventsPublished > 0)
        {
            bill.Metered(CostCategory.Messaging, "EventBridge custom events", n * pattern.EventsPublished * chunks64K, "events",
                PriceKeys.EventBridgeEvents);
        }

        if (pattern.Trigger == "schedule")
        {
            bill.Metered(CostCategory.Messaging, "EventBridge Scheduler invocations", n, "invocations", PriceKeys.EventBridgeScheduler);
        }

        if (pattern.StreamRecords > 0)
        {
            var records = n * pattern.StreamRecords;
            var shards = Shards(records / Workload.SecondsPerMonth, workload.MessageBytes);
            bill.Fixed(CostCategory.Messaging, $"Kinesis shard hours ({shards} shard{(shards == 1 ? "" : "s")})", shards * 730m,
                "shard-hours", PriceKeys.KinesisShardHour, "a shard takes 1,000 records or 1 MiB a second");
            bill.Metered(CostCategory.Messaging, "Kinesis PUT payload units", records * Math.Ceiling(workload.MessageBytes / 25600m),
                "units", PriceKeys.KinesisPutUnits);
        }

        if (pattern.StepTransitions > 0)
        {
            bill.Metered(CostCategory.Orchestrator, "Step Functions standard state transitions", n * pattern.StepTransitions,
                "transitions", PriceKeys.StepFunctionsStandard);
        }

        if (pattern.StateReads > 0)
        {
            bill.Metered(CostCategory.StateStore, "DynamoDB on-demand reads", n * pattern.StateReads, "RRU", PriceKeys.DynamoDbRead,
                "1 RRU a read (strongly consistent, up to 4 KB)");
        }

        if (pattern.StateWrites > 0)
        {
            bill.Metered(CostCategory.StateStore, "DynamoDB on-demand writes", n * pattern.StateWrites, "WRU", PriceKeys.DynamoDbWrite,
                "1 WRU a write (up to 1 KB)");
        }

        if (pattern.LogBytes > 0)
        {
            bill.Metered(CostCategory.Logs, "CloudWatch Logs ingestion", n * pattern.LogBytes / LineBuilder.GiB, "GB", PriceKeys.CloudWatchLogs);
        }
    }

    /// <summary>Stream capacity units for a steady rate: one per 1,000 records or 1 MiB a second, at least one.</summary>
    internal static decimal Shards(decimal recordsPerSecond, int recordBytes) =>
        Math.Max(1, Math.Ceiling(Math.Max(recordsPerSecond / 1000m, recordsPerSecond * recordBytes / (1024m * 1024m))));
}
