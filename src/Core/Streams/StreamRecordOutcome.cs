namespace Portable.Core.Streams;

/// <summary>What became of one record of a stream batch.</summary>
public enum StreamRecordOutcome
{
    /// <summary>Handled: the stream may move past it.</summary>
    Success,

    /// <summary>The handler failed (a fault or a missed deadline): the platform delivers it again, and its partition waits.</summary>
    Failed,

    /// <summary>Not run because an earlier record of its partition failed (or the deadline had passed): delivered again after it.</summary>
    NotAttempted,

    /// <summary>A permanent failure, sent to the dead-letter sink with its reason: the stream moves past it.</summary>
    DeadLettered,
}
