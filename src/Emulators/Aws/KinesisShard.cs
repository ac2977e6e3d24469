namespace Portable.Emulators.Aws;

/// <summary>One shard of a Kinesis stream.</summary>
/// <param name="ShardId">Its id, <c>shardId-000000000000</c> and up.</param>
/// <param name="StartingHashKey">The lowest hash key it takes (a decimal of up to 2^128-1).</param>
/// <param name="EndingHashKey">The highest hash key it takes.</param>
public sealed record KinesisShard(string ShardId, string StartingHashKey, string EndingHashKey);
