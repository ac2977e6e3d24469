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

/// <summary>A handler's verdict on one message: success, retry (transient) or dead-letter with a reason (permanent).</summary>
public readonly record struct MessageResult(MessageOutcome Outcome, string? Reason)
{
    /// <summary>Handled.</summary>
    public static MessageResult Success { get; } = new(MessageOutcome.Success, null);

    /// <summary>Deliver again later.</summary>
    public static MessageResult Retry(string reason) => new(MessageOutcome.Retry, reason);

    /// <summary>Never retry; dead-letter with <paramref name="reason"/>.</summary>
    public static MessageResult DeadLetter(string reason) => new(MessageOutcome.DeadLetter, reason);
}

/// <summary>
/// Thrown by a handler for a failure that retrying cannot fix (bad data, a broken business rule). Any other
/// exception is treated as transient.
/// </summary>
public sealed class PermanentFailureException : Exception
{
    /// <summary>Creates the exception with the reason recorded beside the dead letter.</summary>
    public PermanentFailureException(string reason)
        : base(reason)
    {
    }

    /// <summary>Creates the exception with the reason and the fault behind it.</summary>
    public PermanentFailureException(string reason, Exception innerException)
        : base(reason, innerException)
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructors that take a reason.</summary>
    public PermanentFailureException()
        : base("Permanent failure.")
    {
    }
}

/// <summary>The settlement of one message in a batch: its id, outcome and reason.</summary>
public sealed record MessageSettlement(string MessageId, MessageOutcome Outcome, string? Reason);
