namespace Portable.Core.Messaging;

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
