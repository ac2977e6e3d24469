namespace Portable.Compare.Queues;

/// <summary>A host that reports its emulator's <see cref="DeliveryCounts"/>.</summary>
public interface IQueueDeliveryCounts
{
    /// <summary>The counts so far.</summary>
    DeliveryCounts Counts();
}
