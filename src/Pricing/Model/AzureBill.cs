namespace Portable.Pricing.Model;

/// <summary>
/// A pattern's lines on Azure (East US): Functions (Consumption, Flex), Storage queues, Event Hubs, Durable Functions'
/// task hub in Azure Storage, Table Storage, Log Analytics.
/// </summary>
internal static class AzureBill
{
    public static void Add(LineBuilder bill, PatternProfile pattern, Workload workload, HostingPlan plan)
    {
        var n = workload.MonthlyInvocations;
        var executions = n * pattern.Executions;
        var durable = pattern.DurableActivities > 0;

        if (plan == HostingPlan.FunctionsConsumption)
        {
            // Every orchestrator replay is a billed execution on Consumption, about n + 1 for n activities (DF-DOC).
            var replays = durable ? n * (pattern.DurableActivities + 1) : 0;
            bill.Metered(CostCategory.Compute, "Functions executions", executions + replays, "executions", PriceKeys.ConsumptionExecutions,
                durable ? $"includes {pattern.DurableActivities + 1} orchestrator replays an order" : "");
            // Observed memory rounded up to 128 MB, at most 1,536 MB; time to 1 ms (AZ-FN-PAGE).
            var memoryMb = Math.Min(1536m, Math.Ceiling(workload.MemoryMb / 128m) * 128m);
            var gbSeconds = executions * Math.Ceiling(workload.DurationMs) / 1000m * memoryMb / 1024m;
            bill.Metered(CostCategory.Compute, $"Functions execution time ({memoryMb} MB)", gbSeconds, "GB-s", PriceKeys.ConsumptionGbs,
                durable ? "replays' own milliseconds are not counted" : "");
        }
        else
        {
            var instanceMb = FlexInstanceMb(workload.MemoryMb);
            var gbSeconds = executions * FlexBilledMs(workload.DurationMs, executions) / 1000m / workload.Concurrency * instanceMb / 1024m;
            var timeNote = $"{FlexBilledMs(workload.DurationMs, executions).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} ms billed an execution: 100 ms steps, 1 s at least an active period";
            if (plan == HostingPlan.FlexOnDemand)
            {
                bill.Metered(CostCategory.Compute, "Flex on-demand executions", executions, "executions", PriceKeys.FlexOnDemandExecutions);
                bill.Metered(CostCategory.Compute, $"Flex on-demand execution time ({instanceMb} MB instance)", gbSeconds, "GB-s",
                    PriceKeys.FlexOnDemandGbs, timeNote);
            }
            else
            {
                const string noGrant = "always ready billing has no free grants (FLEX-DOC)";
                bill.Fixed(CostCategory.Compute, $"Flex always-ready baseline (1 x {instanceMb} MB, all month)",
                    instanceMb / 1024m * Workload.SecondsPerMonth, "GB-s", PriceKeys.FlexBaseline, noGrant);
                bill.Fixed(CostCategory.Compute, "Flex always-ready executions", executions, "executions", PriceKeys.FlexAlwaysReadyExecutions, noGrant);
                bill.Fixed(CostCategory.Compute, $"Flex always-ready execution time ({instanceMb} MB instance)", gbSeconds, "GB-s",
                    PriceKeys.FlexAlwaysReadyGbs, timeNote);
            }
        }

        var messages = pattern.QueueMessages + pattern.EventsPublished;
        if (messages > 0)
        {
            bill.Metered(CostCategory.Messaging, "Storage queue puts (class 1)", n * messages, "operations", PriceKeys.QueueClass1);
            bill.Metered(CostCategory.Messaging, "Storage queue gets and deletes (class 2)", 2 * n * messages, "operations", PriceKeys.QueueClass2,
                "one get and one delete a message");
        }

        if (pattern.StreamRecords > 0)
        {
            var records = n * pattern.StreamRecords;
            var units = AwsBill.Shards(records / Workload.SecondsPerMonth, workload.MessageBytes);
            bill.Fixed(CostCategory.Messaging, $"Event Hubs throughput unit hours ({units} TU)", units * 730m, "TU-hours",
                PriceKeys.EventHubsThroughputUnit, "Portable's Azure host has no Event Hubs trigger yet (extension not served)");
            bill.Metered(CostCategory.Messaging, "Event Hubs ingress events", records * Math.Ceiling(workload.MessageBytes / 65536m), "events",
                PriceKeys.EventHubsIngress);
        }

        if (durable)
        {
            // Azure Storage backend: each activity is scheduled on the work-item queue and completes on a control queue,
            // and writes history rows; an orchestration adds its start message and instance rows. An estimate (DF-DOC
            // gives no per-event figure), and the task hub's idle polling is not counted.
            const string note = "estimate: 2 queue messages and 2 history rows an activity, 1 message and 5 rows an orchestration";
            var taskHubMessages = n * (2 * pattern.DurableActivities + 1);
            bill.Metered(CostCategory.Orchestrator, "Durable task hub queue puts (class 1)", taskHubMessages, "operations", PriceKeys.QueueClass1, note);
            bill.Metered(CostCategory.Orchestrator, "Durable task hub queue gets and deletes (class 2)", 2 * taskHubMessages, "operations",
                PriceKeys.QueueClass2, note);
            bill.Metered(CostCategory.Orchestrator, "Durable task hub table transactions", n * (2 * pattern.DurableActivities + 5), "transactions",
                PriceKeys.TableTransactions, note);
        }

        if (pattern.UsesState)
        {
            bill.Metered(CostCategory.StateStore, "Table Storage transactions", n * (pattern.StateReads + pattern.StateWrites), "transactions",
                PriceKeys.TableTransactions);
        }

        if (pattern.LogBytes > 0)
        {
            bill.Metered(CostCategory.Logs, "Log Analytics ingestion (Application Insights)", n * pattern.LogBytes / LineBuilder.GiB, "GB",
                PriceKeys.LogAnalytics);
        }
    }

    /// <summary>Flex bills the instance's memory, 512 MB, 2 GB or 4 GB: the smallest that holds the function (FLEX-DOC).</summary>
    internal static decimal FlexInstanceMb(int memoryMb) => memoryMb <= 512 ? 512 : memoryMb <= 2048 ? 2048 : 4096;

    /// <summary>
    /// Billed milliseconds an execution: 100 ms steps, and an active period is billed at least 1,000 ms (FLEX-DOC). With
    /// arrivals spread at random over the month, an execution finds no other in the second before it, and so opens its
    /// own period, with probability e^(-executions a second); such an execution is topped up to 1 s.
    /// </summary>
    internal static decimal FlexBilledMs(decimal durationMs, decimal monthlyExecutions)
    {
        var stepped = Math.Ceiling(durationMs / 100m) * 100m;
        var opensPeriod = (decimal)Math.Exp(-(double)(monthlyExecutions / Workload.SecondsPerMonth));
        return stepped + opensPeriod * Math.Max(0, 1000m - stepped);
    }
}
