namespace Portable.Emulators.Aws;

/// <summary>A record as <c>GetRecords</c> returns it.</summary>
/// <param name="SequenceNumber">Its position in the shard.</param>
/// <param name="PartitionKey">The producer's key.</param>
/// <param name="Data">The payload bytes.</param>
/// <param name="ApproximateArrivalTimestamp">When Kinesis received it.</param>
public sealed record KinesisStreamRecord(string SequenceNumber, string PartitionKey, byte[] Data, DateTimeOffset ApproximateArrivalTimestamp);
