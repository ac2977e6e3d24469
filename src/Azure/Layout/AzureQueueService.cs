namespace Portable.Azure.Layout;

/// <summary>Which Azure messaging service feeds a queue-triggered function.</summary>
public enum AzureQueueService
{
    /// <summary>An Azure Storage queue (<c>queueTrigger</c>); poison messages go to <c>&lt;queue&gt;-poison</c>. The default.</summary>
    StorageQueue,

    /// <summary>An Azure Service Bus queue (<c>serviceBusTrigger</c>); dead letters go to the queue's <c>$DeadLetterQueue</c>.</summary>
    ServiceBus,
}
