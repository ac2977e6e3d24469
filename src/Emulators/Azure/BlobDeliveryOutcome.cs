namespace Portable.Emulators.Azure;

/// <summary>What became of one blob-trigger message in the emulated Functions host.</summary>
public enum BlobDeliveryOutcome
{
    /// <summary>An invocation succeeded; the message is done.</summary>
    Completed,

    /// <summary>Every one of the <c>maxDequeueCount</c> invocations failed: the message went to <c>webjobs-blobtrigger-poison</c>.</summary>
    Poisoned,

    /// <summary>The blob was deleted, or changed (another entity tag), before it could be delivered: dropped, as the host drops it.</summary>
    Dropped,
}
