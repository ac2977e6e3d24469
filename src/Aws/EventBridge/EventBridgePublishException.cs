namespace Portable.Aws.EventBridge;

/// <summary>
/// EventBridge did not take every event of a publish: it refused the request (access denied, a bad bus name, a bad
/// signature), or refused entries for a reason retrying cannot fix, or kept throttling them past the publisher's own
/// retries. <see cref="Entries"/> says, per event, which were taken (with their ids) and which were not; events taken
/// before the failure stay published.
/// </summary>
public sealed class EventBridgePublishException : Exception
{
    /// <summary>Creates the exception for a publish whose entries ended as <paramref name="entries"/>.</summary>
    public EventBridgePublishException(string message, IReadOnlyList<PutEventsResultEntry> entries)
        : base(message)
    {
        Entries = entries ?? throw new ArgumentNullException(nameof(entries));
    }

    /// <summary>Creates the exception for a publish whose entries ended as <paramref name="entries"/> when <paramref name="innerException"/> broke it off.</summary>
    public EventBridgePublishException(string message, IReadOnlyList<PutEventsResultEntry> entries, Exception innerException)
        : base(message, innerException)
    {
        Entries = entries ?? throw new ArgumentNullException(nameof(entries));
    }

    /// <summary>Creates the exception with a description.</summary>
    public EventBridgePublishException(string message)
        : this(message, [])
    {
    }

    /// <summary>Creates the exception with a description and the fault behind it.</summary>
    public EventBridgePublishException(string message, Exception innerException)
        : base(message, innerException)
    {
        Entries = [];
    }

    /// <summary>Needed by the analyzers; prefer the constructors that describe the failure.</summary>
    public EventBridgePublishException()
        : this("EventBridge did not take the events.")
    {
    }

    /// <summary>What became of each event of the publish, in order; empty when the request itself was refused.</summary>
    public IReadOnlyList<PutEventsResultEntry> Entries { get; }
}
