namespace Portable.Emulators.Gcp;

/// <summary>What became of one push.</summary>
public enum PushOutcome
{
    /// <summary>The endpoint answered 102, 200, 201, 202 or 204: the message is done.</summary>
    Acked,

    /// <summary>Any other answer, no answer, or no connection: it comes back after the backoff.</summary>
    Nacked,

    /// <summary>A nack on the last allowed attempt: forwarded to the dead-letter topic.</summary>
    DeadLettered,
}
