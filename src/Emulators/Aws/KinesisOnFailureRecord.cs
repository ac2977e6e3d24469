namespace Portable.Emulators.Aws;

/// <summary>
/// What the mapping sends its on-failure destination when it gives up on a batch: where the skipped records are (the
/// records themselves stay in the stream until they expire), as Lambda's <c>KinesisBatchInfo</c> does.
/// </summary>
/// <param name="ShardId">The shard.</param>
/// <param name="StartSequenceNumber">The first skipped record.</param>
/// <param name="EndSequenceNumber">The last skipped record.</param>
/// <param name="BatchSize">How many were skipped.</param>
/// <param name="Attempts">How many times the batch was invoked.</param>
/// <param name="Condition">Why it was given up: <c>RetryAttemptsExhausted</c>.</param>
public sealed record KinesisOnFailureRecord(string ShardId, string StartSequenceNumber, string EndSequenceNumber, int BatchSize, int Attempts, string Condition);
