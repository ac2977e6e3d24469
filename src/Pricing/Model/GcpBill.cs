namespace Portable.Pricing.Model;

/// <summary>A pattern's lines on Google Cloud (us-central1, Tier 1): Cloud Run, Pub/Sub, Cloud Scheduler, Workflows, Cloud SQL, Cloud Logging.</summary>
internal static class GcpBill
{
    public static void Add(LineBuilder bill, PatternProfile pattern, Workload workload, HostingPlan plan)
    {
        var n = workload.MonthlyInvocations;
        var executions = n * pattern.Executions;
        // Rounded up to 100 ms; with concurrency > 1 requests share an instance's time (GCR-PAGE). One vCPU.
        var busySeconds = executions * Math.Ceiling(workload.DurationMs / 100m) * 100m / 1000m / workload.Concurrency;
        var gib = workload.MemoryMb / 1024m;

        if (plan == HostingPlan.CloudRunRequest)
        {
            bill.Metered(CostCategory.Compute, "Cloud Run CPU (1 vCPU)", busySeconds, "vCPU-s", PriceKeys.CloudRunRequestCpu);
            bill.Metered(CostCategory.Compute, $"Cloud Run memory ({workload.MemoryMb} MiB)", busySeconds * gib, "GiB-s", PriceKeys.CloudRunRequestMemory);
            bill.Metered(CostCategory.Compute, "Cloud Run requests", executions, "requests", PriceKeys.CloudRunRequests,
                "Pub/Sub push, Scheduler and Workflows calls are requests too");
        }
        else
        {
            var instanceSeconds = Math.Max(Workload.SecondsPerMonth, busySeconds);
            const string note = "one instance all month, more when busy time exceeds it; no request fee";
            bill.Metered(CostCategory.Compute, "Cloud Run CPU, instance-based (1 vCPU)", instanceSeconds, "vCPU-s", PriceKeys.CloudRunInstanceCpu, note);
            bill.Metered(CostCategory.Compute, $"Cloud Run memory, instance-based ({workload.MemoryMb} MiB)", instanceSeconds * gib, "GiB-s",
                PriceKeys.CloudRunInstanceMemory, note);
        }

        var messages = pattern.QueueMessages + pattern.EventsPublished + pattern.StreamRecords;
        if (messages > 0)
        {
            // Counted on publish and on delivery, at least 1 KB a request (AE-PUBSUB).
            var tib = n * messages * 2 * Math.Max(1024m, workload.MessageBytes) / (LineBuilder.GiB * 1024m);
            bill.Metered(CostCategory.Messaging, "Pub/Sub throughput (publish + delivery)", tib, "TiB", PriceKeys.PubSubThroughput,
                pattern.StreamRecords > 0 ? "ordering keys carry the stream's partitions" : "");
        }

        if (pattern.ScheduledJobs > 0)
        {
            bill.Metered(CostCategory.Messaging, "Cloud Scheduler jobs", pattern.ScheduledJobs, "jobs", PriceKeys.CloudSchedulerJob,
                "a monthly charge per job, whatever the rate");
        }

        if (pattern.WorkflowSteps > 0)
        {
            bill.Metered(CostCategory.Orchestrator, "Workflows internal steps", n * pattern.WorkflowSteps, "steps", PriceKeys.WorkflowsInternal,
                "billed in increments of 1,000 steps", increment: 1000);
        }

        if (pattern.UsesState)
        {
            const string note = "a fixed instance, shared by every pattern; no per-operation charge";
            bill.Fixed(CostCategory.StateStore, "Cloud SQL db-f1-micro (PostgreSQL)", 1, "instance-months", PriceKeys.CloudSqlMicro, note);
            bill.Fixed(CostCategory.StateStore, "Cloud SQL SSD storage", 10, "GB-months", PriceKeys.CloudSqlSsd, note);
        }

        if (pattern.LogBytes > 0)
        {
            bill.Metered(CostCategory.Logs, "Cloud Logging ingestion", n * pattern.LogBytes / LineBuilder.GiB, "GiB", PriceKeys.CloudLogging);
        }
    }
}
