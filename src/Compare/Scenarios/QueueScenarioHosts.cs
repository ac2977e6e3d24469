using System.Globalization;
using Portable.Compare.Queues;
using Portable.Core.Messaging;

namespace Portable.Compare.Scenarios;

/// <summary>The queue processor's hosts as the compare scenarios name them, with each platform's delivery rules in words.</summary>
internal static class QueueScenarioHosts
{
    /// <summary>The queue host behind <paramref name="host"/> (one of <see cref="CompareHosts.All"/>).</summary>
    public static string QueueHostName(string host) => host switch
    {
        CompareHosts.Local => QueueHostsUnderTest.Local,
        CompareHosts.Aws => QueueHostsUnderTest.AwsSqs,
        CompareHosts.Gcp => QueueHostsUnderTest.GcpPubSubPush,
        CompareHosts.Azure => QueueHostsUnderTest.AzureStorageQueue,
        _ => throw new ArgumentOutOfRangeException(nameof(host), host, "Not a compare host."),
    };

    /// <summary>Starts the ledger-writer on <paramref name="host"/>'s queue host with <paramref name="options"/>, saying so in the progress.</summary>
    public static Task<StartedQueueHost> StartAsync(string scenario, string host, QueueHostOptions options, ScenarioContext context, CancellationToken cancellationToken, string? why = null)
    {
        var name = QueueHostName(host);
        context.Progress($"{scenario} on {host}: starting ledger-writer on {name}{why}");
        return QueueHostsUnderTest.StartOneAsync(name, options, cancellationToken);
    }

    /// <summary>The platform's own dead-letter rule, with its number: <c>SQS maxReceiveCount 5</c>.</summary>
    public static string DeadLetterRule(DeliveryProfile profile)
    {
        var max = profile.MaxDeliveries?.ToString(CultureInfo.InvariantCulture) ?? "unlimited";
        return profile.Key switch
        {
            "aws-sqs" => $"SQS redrive maxReceiveCount {max}",
            "azure-storage-queue" => $"queueTrigger maxDequeueCount {max}",
            "gcp-pubsub-push" => $"Pub/Sub maxDeliveryAttempts {max}",
            _ => $"local queue max deliveries {max}",
        };
    }

    /// <summary>What the platform promises about delivering a message more than once, in a line.</summary>
    public static string DeliveryGuarantee(DeliveryProfile profile) => profile.Key switch
    {
        // docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues.html: at-least-once, more than one copy may be delivered.
        "aws-sqs" => "SQS standard queue: at-least-once, no deduplication of sends (FIFO queues only)",
        // cloud.google.com/pubsub/docs/exactly-once-delivery: push subscriptions do not support exactly-once delivery.
        "gcp-pubsub-push" => "Pub/Sub push: at-least-once (exactly-once is for pull subscriptions only)",
        // [unverified] Storage queues document no deduplication; the trigger redelivers until maxDequeueCount.
        "azure-storage-queue" => "Storage queue trigger: at-least-once, no deduplication of sends",
        _ => "local SQLite queue: at-least-once, each send without a Message-Id is a new message",
    };
}
