namespace Portable.Core.Streams;

/// <summary>
/// What became of a stream batch: a settlement per record in batch order, and for each partition that stopped, the
/// record it stopped at. Adapters report <see cref="FirstFailures"/>: Lambda's <c>batchItemFailures</c> name their
/// sequence numbers (Lambda resumes the shard from the lowest), Pub/Sub gets a non-2xx answer.
/// </summary>
public sealed class StreamBatchResult
{
    /// <summary>Builds the result of <paramref name="settlements"/>, in batch order.</summary>
    public StreamBatchResult(IReadOnlyList<StreamRecordSettlement> settlements)
    {
        ArgumentNullException.ThrowIfNull(settlements);
        Settlements = settlements;
        var stopped = new HashSet<string>(StringComparer.Ordinal);
        var failures = new List<StreamRecordSettlement>();
        foreach (var settlement in settlements)
        {
            if (!settlement.IsSettled && stopped.Add(settlement.PartitionKey))
            {
                failures.Add(settlement);
            }
        }

        FirstFailures = failures;
    }

    /// <summary>One settlement per record, in batch order.</summary>
    public IReadOnlyList<StreamRecordSettlement> Settlements { get; }

    /// <summary>
    /// The first unsettled record of each partition that stopped, in batch order: that record and every later one of
    /// its partition must be delivered again. Empty when the whole batch is settled.
    /// </summary>
    public IReadOnlyList<StreamRecordSettlement> FirstFailures { get; }

    /// <summary>True when every record was handled or dead-lettered.</summary>
    public bool IsSettled => FirstFailures.Count == 0;
}
