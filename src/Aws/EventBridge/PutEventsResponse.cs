namespace Portable.Aws.EventBridge;

/// <summary>EventBridge's answer to <c>PutEvents</c>: how many entries failed, and one result per entry, in request order.</summary>
public sealed record PutEventsResponse
{
    /// <summary>How many entries EventBridge did not take.</summary>
    public int FailedEntryCount { get; init; }

    /// <summary>One result per request entry, in the same order.</summary>
    public IReadOnlyList<PutEventsResultEntry>? Entries { get; init; }
}
