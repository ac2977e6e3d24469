using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portable.Aws.Events;

/// <summary>
/// The event Lambda's Kinesis and DynamoDB Streams event source mappings send: up to <c>BatchSize</c> records of one
/// shard, in shard order. Each record is kept as JSON until its <c>eventSource</c> says which shape it has
/// (<see cref="KinesisEventRecord"/> or <see cref="DynamoDbStreamRecord"/>), and a DynamoDB record's own JSON is what a
/// handler receives as data. Samples: <c>protocols/samples/aws-kinesis-event.json</c>, <c>aws-dynamodb-streams-event.json</c>.
/// </summary>
public sealed class LambdaStreamEvent
{
    /// <summary>The records, in the order of the shard.</summary>
    [JsonPropertyName("Records")]
    public List<JsonElement>? Records { get; set; }
}
