namespace Portable.Core.Messaging;

/// <summary>What became of one message.</summary>
public enum MessageOutcome
{
    /// <summary>Handled (or already handled): acknowledge it.</summary>
    Success,

    /// <summary>A transient failure: give it back to the platform to deliver again.</summary>
    Retry,

    /// <summary>A permanent failure (bad data, a business rule): never retried, dead-lettered at once with its reason.</summary>
    DeadLetter,
}
