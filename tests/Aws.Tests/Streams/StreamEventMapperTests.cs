using System.Text;
using System.Text.Json;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.TestKit;

namespace Portable.Aws.Tests.Streams;

public class StreamEventMapperTests
{
    private static StreamEventBatch Map(string payload)
    {
        Assert.True(StreamEventMapper.TryMap(Encoding.UTF8.GetBytes(payload), out var batch, out var error), error?.ErrorMessage);
        return batch;
    }

    private static LambdaError Fail(string payload)
    {
        Assert.False(StreamEventMapper.TryMap(Encoding.UTF8.GetBytes(payload), out _, out var error));
        return error;
    }

    private const string KinesisArn = "arn:aws:kinesis:us-east-1:123456789012:stream/orders";

    private static string Kinesis(string kinesis, string arn = KinesisArn, string eventId = "shardId-000000000001:7") =>
        $$"""{"Records":[{"kinesis":{{kinesis}},"eventSource":"aws:kinesis","eventID":"{{eventId}}","eventName":"aws:kinesis:record","eventSourceARN":"{{arn}}"}]}""";

    private static string DynamoDb(string dynamodb, string eventName = "MODIFY", string arn = "arn:aws:dynamodb:us-east-1:123456789012:table/items/stream/2026-01-01T00:00:00.000") =>
        $$$"""{"Records":[{"eventID":"e1","eventName":"{{{eventName}}}","eventSource":"aws:dynamodb","eventSourceARN":"{{{arn}}}","dynamodb":{{{dynamodb}}}}]}""";

    [Fact]
    public void TryMap_KinesisSample_MapsEveryRecordInOrder()
    {
        var batch = Map(RepoPaths.ReadSample("aws-kinesis-event.json"));

        Assert.Equal(StreamEventMapper.KinesisEventSource, batch.EventSource);
        Assert.Equal(
            ["49568167373333333333333333333333333333333333333333333333", "49568167373333333334444444444444444444444444444444444444"],
            batch.Records.Select(r => r.SequenceNumber));
        var first = batch.Records[0];
        Assert.Equal("s1", first.PartitionKey);
        Assert.Equal("Hello World", Encoding.UTF8.GetString(first.Data.Span));
        Assert.Equal("simple-stream", first.Source);
        Assert.Equal("shardId-000000000000", first.ShardId);
        Assert.Equal("aws:kinesis:record", first.EventName);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1480641523477), first.ArrivedAt);
    }

    [Fact]
    public void TryMap_DynamoDbSample_KeysArePartitionAndTheRecordJsonIsTheData()
    {
        var batch = Map(RepoPaths.ReadSample("aws-dynamodb-streams-event.json"));

        Assert.Equal(StreamEventMapper.DynamoDbEventSource, batch.EventSource);
        Assert.Equal(["INSERT", "REMOVE"], batch.Records.Select(r => r.EventName));
        Assert.All(batch.Records, r => Assert.Equal("1405400000000002063282832", r.SequenceNumber));
        Assert.All(batch.Records, r => Assert.Equal("Example-Table", r.Source));
        // Both changes are to the same item: one partition, whatever the member order, in canonical JSON.
        Assert.All(batch.Records, r => Assert.Equal("""{"key":{"S":"binary"},"val":{"S":"data"}}""", r.PartitionKey));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1480642020), batch.Records[0].ArrivedAt);
        Assert.Null(batch.Records[0].ShardId);

        using var sample = JsonDocument.Parse(RepoPaths.ReadSample("aws-dynamodb-streams-event.json"));
        using var data = JsonDocument.Parse(batch.Records[1].Data);
        Assert.True(JsonElement.DeepEquals(sample.RootElement.GetProperty("Records")[1], data.RootElement));
        Assert.Equal("dynamodb.amazonaws.com", data.RootElement.GetProperty("userIdentity").GetProperty("principalId").GetString());
    }

    [Fact]
    public void TryMap_DynamoDbKeysInAnotherOrder_IsTheSamePartition()
    {
        var a = Map(DynamoDb("""{"Keys":{"pk":{"S":"1"},"sk":{"N":"2"}},"SequenceNumber":"10"}""")).Records[0];
        var b = Map(DynamoDb("""{"Keys":{"sk":{"N":"2"},"pk":{"S":"1"}},"SequenceNumber":"11"}""")).Records[0];

        Assert.Equal(a.PartitionKey, b.PartitionKey);
    }

    [Fact]
    public void TryMap_KinesisWithoutArrivalTime_LeavesItUnset()
    {
        var record = Map(Kinesis("""{"partitionKey":"k","sequenceNumber":"1","data":""}""")).Records[0];

        Assert.Null(record.ArrivedAt);
        Assert.Equal(0, record.Data.Length);
        Assert.Equal("shardId-000000000001", record.ShardId);
    }

    [Theory]
    [InlineData("""{"partitionKey":"k","data":"AA=="}""", "kinesis.sequenceNumber missing")]
    [InlineData("""{"partitionKey":"k","sequenceNumber":"49a","data":"AA=="}""", "kinesis.sequenceNumber \"49a\"")]
    [InlineData("""{"sequenceNumber":"1","data":"AA=="}""", "has no kinesis.partitionKey")]
    [InlineData("""{"partitionKey":"k","sequenceNumber":"1"}""", "has no kinesis.data")]
    [InlineData("""{"partitionKey":"k","sequenceNumber":"1","data":"not base64!"}""", "not base64")]
    [InlineData("""{"partitionKey":"k","sequenceNumber":"1","data":"AA==","approximateArrivalTimestamp":-5}""", "not epoch seconds")]
    [InlineData("""{"partitionKey":"k","sequenceNumber":"1","data":"AA==","approximateArrivalTimestamp":"soon"}""", "does not have the aws:kinesis record's shape")]
    public void TryMap_MalformedKinesisRecord_IsAnInvalidEventNamingTheProblem(string kinesis, string problem)
    {
        var error = Fail(Kinesis(kinesis));

        Assert.Equal(ApiGatewayRequestMapper.InvalidEventType, error.ErrorType);
        Assert.Contains("Records[0]", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(problem, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMap_KinesisArnOfAnotherService_IsInvalid() =>
        Assert.Contains("not a Kinesis stream ARN", Fail(Kinesis("""{"partitionKey":"k","sequenceNumber":"1","data":""}""", arn: "arn:aws:sqs:us-east-1:1:orders")).ErrorMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"Keys":{"pk":{"S":"1"}}}""", "MODIFY", "dynamodb.SequenceNumber missing")]
    [InlineData("""{"SequenceNumber":"5"}""", "MODIFY", "has no dynamodb.Keys")]
    [InlineData("""{"Keys":{},"SequenceNumber":"5"}""", "MODIFY", "has no dynamodb.Keys")]
    [InlineData("""{"Keys":{"pk":{"S":"1"}},"SequenceNumber":"5"}""", "UPSERT", "not INSERT, MODIFY or REMOVE")]
    public void TryMap_MalformedDynamoDbRecord_IsAnInvalidEventNamingTheProblem(string dynamodb, string eventName, string problem)
    {
        var error = Fail(DynamoDb(dynamodb, eventName));

        Assert.Equal(ApiGatewayRequestMapper.InvalidEventType, error.ErrorType);
        Assert.Contains(problem, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMap_DynamoDbArnWithoutTable_IsInvalid() =>
        Assert.Contains("not a DynamoDB stream ARN", Fail(DynamoDb("""{"Keys":{"pk":{"S":"1"}},"SequenceNumber":"5"}""", arn: "arn:aws:dynamodb:us-east-1:1:global-table/x")).ErrorMessage, StringComparison.Ordinal);

    [Theory]
    [InlineData("aws-sqs-event.json")]
    [InlineData("aws-apigw-v2-request.json")]
    [InlineData("aws-eventbridge-event.json")]
    public void TryMap_EventOfAnotherSource_IsUnsupported(string sample)
    {
        var error = Fail(RepoPaths.ReadSample(sample));

        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, error.ErrorType);
        Assert.Contains("only accepts Kinesis or DynamoDB Streams events", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""{"Records":null}""")]
    public void TryMap_NotAStreamEvent_IsUnsupported(string payload) =>
        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, Fail(payload).ErrorType);

    [Fact]
    public void TryMap_NullRecord_IsInvalid() =>
        Assert.Contains("Records[0] is Null", Fail("""{"Records":[null]}""").ErrorMessage, StringComparison.Ordinal);

    [Fact]
    public void TryMap_MixedSources_IsInvalid()
    {
        var kinesis = JsonDocument.Parse(RepoPaths.ReadSample("aws-kinesis-event.json")).RootElement.GetProperty("Records")[0].GetRawText();
        var dynamo = JsonDocument.Parse(RepoPaths.ReadSample("aws-dynamodb-streams-event.json")).RootElement.GetProperty("Records")[0].GetRawText();

        var error = Fail($$"""{"Records":[{{kinesis}},{{dynamo}}]}""");

        Assert.Contains("Records[1] is from \"aws:dynamodb\" but Records[0] is from \"aws:kinesis\"", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("arn:aws:kinesis:us-east-1:1:stream/orders", "kinesis", "stream", "orders")]
    [InlineData("arn:aws:dynamodb:us-east-1:1:table/items/stream/2026", "dynamodb", "table", "items")]
    [InlineData("arn:aws:kinesis:us-east-1:1:stream/", "kinesis", "stream", null)]
    [InlineData("arn:aws:kinesis:us-east-1:1:orders", "kinesis", "stream", null)]
    [InlineData("", "kinesis", "stream", null)]
    public void ResourceNameFromArn_ReadsTheNameAfterTheResourceType(string arn, string service, string resource, string? expected) =>
        Assert.Equal(expected, StreamEventMapper.ResourceNameFromArn(arn, service, resource));
}
