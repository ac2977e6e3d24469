namespace Portable.Azure.Hosting;

/// <summary>Which service delivered a queue invocation, as told by its metadata.</summary>
public enum QueueDeliverySource
{
    /// <summary>An Azure Storage queue (<c>queueTrigger</c>): metadata <c>Id</c>, <c>DequeueCount</c>, <c>InsertionTime</c>, <c>PopReceipt</c>.</summary>
    StorageQueue,

    /// <summary>Service Bus (<c>serviceBusTrigger</c>): metadata <c>MessageId</c>, <c>DeliveryCount</c>, <c>EnqueuedTimeUtc</c>, properties.</summary>
    ServiceBus,
}
