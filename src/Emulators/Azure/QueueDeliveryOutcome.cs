namespace Portable.Emulators.Azure;

/// <summary>What became of one delivery.</summary>
public enum QueueDeliveryOutcome
{
    /// <summary>The handler answered 2xx: the message was deleted.</summary>
    Completed,

    /// <summary>The invocation failed: the message becomes visible again after the profile's delay.</summary>
    Retried,

    /// <summary>The invocation failed on the last allowed dequeue: the message moved to <c>&lt;queue&gt;-poison</c>.</summary>
    Poisoned,
}
