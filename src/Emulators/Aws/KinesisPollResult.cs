namespace Portable.Emulators.Aws;

/// <summary>What one poll of one shard did.</summary>
/// <param name="ShardId">The shard.</param>
/// <param name="Delivered">The sequence numbers handed to the function, in order; empty when the shard had nothing new.</param>
/// <param name="Committed">The sequence numbers the mapping moved past: done, or skipped after the last retry.</param>
/// <param name="RetryFrom">The sequence number the next poll starts at again (the lowest reported failure, or the batch's first record after an error); null when the shard moved on.</param>
/// <param name="Invocation">The function's answer; null when nothing was delivered.</param>
public sealed record KinesisPollResult(
    string ShardId,
    IReadOnlyList<string> Delivered,
    IReadOnlyList<string> Committed,
    string? RetryFrom,
    LambdaInvocationResult? Invocation)
{
    /// <summary>The sequence numbers skipped after <see cref="KinesisEventSourceEmulatorOptions.MaximumRetryAttempts"/> (also in <see cref="Committed"/>).</summary>
    public IReadOnlyList<string> Skipped { get; init; } = [];
}
