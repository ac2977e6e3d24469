namespace Portable.Core.Streams;

/// <summary>The settlement of one record of a batch.</summary>
/// <param name="PartitionKey">The record's partition key.</param>
/// <param name="SequenceNumber">The record's sequence number.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Reason">Why it failed, was not attempted or was dead-lettered; null on success.</param>
public sealed record StreamRecordSettlement(string PartitionKey, string SequenceNumber, StreamRecordOutcome Outcome, string? Reason)
{
    /// <summary>True when the stream may move past the record (handled or dead-lettered).</summary>
    public bool IsSettled => Outcome is StreamRecordOutcome.Success or StreamRecordOutcome.DeadLettered;
}
