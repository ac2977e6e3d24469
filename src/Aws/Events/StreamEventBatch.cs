using Portable.Core.Streams;

namespace Portable.Aws.Events;

/// <summary>The records of one Kinesis or DynamoDB Streams event, in shard order.</summary>
/// <param name="Records">The neutral records.</param>
/// <param name="EventSource"><c>aws:kinesis</c> or <c>aws:dynamodb</c>.</param>
public sealed record StreamEventBatch(IReadOnlyList<StreamRecord> Records, string EventSource);
