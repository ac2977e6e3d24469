using System.Text.Json.Nodes;
using Portable.Core.Messaging;
using Portable.Emulators.Azure;

namespace Portable.Emulators.Tests.Azure;

/// <summary>
/// Emulated Storage queues over one function <c>worker</c> with a <c>queueTrigger</c> on <c>orders</c>, as the host
/// indexes it, and a delegate in the worker's place that answers each invocation with a status (200: success).
/// </summary>
internal static class StorageQueuesUnderTest
{
    public static EmulatedStorageQueues Create(
        Func<string, string, EmulatedQueueMessage, Task<int>> invoke,
        TimeProvider? time = null,
        int batchSize = 1,
        double duplicateRate = 0,
        int seed = 0)
    {
        var binding = new JsonObject { ["name"] = "item", ["type"] = "queueTrigger", ["direction"] = "in", ["queueName"] = "orders", ["connection"] = "AzureWebJobsStorage" };
        var function = ScriptFunction.Parse("worker", new JsonObject { ["bindings"] = new JsonArray(binding) }, "the test's worker metadata");
        return new EmulatedStorageQueues(
            [function],
            DeliveryProfile.AzureStorageQueue,
            time ?? TimeProvider.System,
            async (name, trigger, message, _) => new QueueInvocationOutcome(await invoke(name, trigger, message)),
            batchSize,
            duplicateRate,
            seed);
    }
}
