using System.Text;
using Portable.Aws.Events;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

public class SqsEventMapperTests
{
    private static SqsBatch Map(string payload)
    {
        Assert.True(SqsEventMapper.TryMap(Encoding.UTF8.GetBytes(payload), out var batch, out var error), error?.ErrorMessage);
        return batch;
    }

    private static Portable.Aws.Runtime.LambdaError Fail(string payload)
    {
        Assert.False(SqsEventMapper.TryMap(Encoding.UTF8.GetBytes(payload), out _, out var error));
        return error;
    }

    private static string Record(string fields) =>
        $$"""{"Records":[{"eventSource":"aws:sqs",{{fields}}}]}""";

    private const string Arn = "\"eventSourceARN\":\"arn:aws:sqs:us-east-1:123456789012:payments\"";

    [Fact]
    public void TryMap_RealSample_MapsEveryField()
    {
        var batch = Map(RepoPaths.ReadSample("aws-sqs-event.json"));

        var message = Assert.Single(batch.Messages);
        Assert.Equal("MessageID", message.Id);
        Assert.Equal("Message Body", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal(2, message.DeliveryCount);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1520621625029), message.EnqueuedAt);
        Assert.Equal("SQSQueue", message.Source);
        Assert.Null(message.OrderingKey);
        Assert.Equal(2, message.Attributes.Count);
        Assert.Equal("123", message.Attributes["Attribute1"]);
        Assert.Equal("AttributeValue2", message.Attributes["Attribute2"]);
        Assert.False(batch.IsFifo);
    }

    [Fact]
    public void TryMap_FifoRecord_SetsOrderingKeyAndMarksTheBatchFifo()
    {
        var batch = Map("""{"Records":[{"eventSource":"aws:sqs","messageId":"m1","body":"{}","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders.fifo","attributes":{"ApproximateReceiveCount":"1","MessageGroupId":"customer-7","SequenceNumber":"1"}}]}""");

        var message = Assert.Single(batch.Messages);
        Assert.Equal("customer-7", message.OrderingKey);
        Assert.Equal("orders.fifo", message.Source);
        Assert.Equal("1", message.SequenceNumber);
        Assert.Null(message.DeduplicationId);
        Assert.True(batch.IsFifo);
    }

    [Fact]
    public void TryMap_FifoRecord_ReadsSequenceNumberAndDeduplicationId()
    {
        var batch = Map("""{"Records":[{"eventSource":"aws:sqs","messageId":"m1","body":"{}","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders.fifo","attributes":{"MessageGroupId":"g","SequenceNumber":"18849496460467696128","MessageDeduplicationId":"order-42"}}]}""");

        var message = Assert.Single(batch.Messages);
        Assert.Equal("18849496460467696128", message.SequenceNumber);
        Assert.Equal("order-42", message.DeduplicationId);
    }

    [Fact]
    public void TryMap_FifoQueueRecordWithoutGroup_IsInvalid()
    {
        var error = Fail("""{"Records":[{"eventSource":"aws:sqs","messageId":"m1","body":"{}","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders.fifo","attributes":{"SequenceNumber":"1"}}]}""");

        Assert.Equal("Runtime.InvalidEvent", error.ErrorType);
        Assert.Contains("has no attributes.MessageGroupId", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMap_FifoSequenceNumberNotDecimal_IsInvalid()
    {
        var error = Fail("""{"Records":[{"eventSource":"aws:sqs","messageId":"m1","body":"{}","eventSourceARN":"arn:aws:sqs:us-east-1:123456789012:orders.fifo","attributes":{"MessageGroupId":"g","SequenceNumber":"12a"}}]}""");

        Assert.Contains("attributes.SequenceNumber \"12a\"", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMap_NoAttributes_DefaultsDeliveryCountToOneAndKeepsOrder()
    {
        var batch = Map($$"""{"Records":[{"eventSource":"aws:sqs","messageId":"a","body":"1",{{Arn}}},{"eventSource":"aws:sqs","messageId":"b","body":"",{{Arn}}}]}""");

        Assert.Equal(["a", "b"], batch.Messages.Select(m => m.Id));
        Assert.All(batch.Messages, m => Assert.Equal(1, m.DeliveryCount));
        Assert.All(batch.Messages, m => Assert.Null(m.EnqueuedAt));
        Assert.Equal(0, batch.Messages[1].Body.Length);
        Assert.Equal("payments", batch.Messages[0].Source);
    }

    [Fact]
    public void TryMap_BinaryAttribute_IsLeftOutOfTheStringAttributes()
    {
        var batch = Map(Record($$$"""
            "messageId":"m","body":"x",{{{Arn}}},"messageAttributes":{"bin":{"dataType":"Binary","binaryValue":"AQI=","stringListValues":[],"binaryListValues":[]},"traceparent":{"dataType":"String","stringValue":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}}
            """));

        var message = Assert.Single(batch.Messages);
        Assert.False(message.Attributes.ContainsKey("bin"));
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", message.Attributes["traceparent"]);
    }

    [Theory]
    [InlineData("\"body\":\"x\"," + Arn, "has no messageId")]
    [InlineData("\"messageId\":\"\",\"body\":\"x\"," + Arn, "has no messageId")]
    [InlineData("\"messageId\":\"m1\"," + Arn, "(message m1) has no body")]
    [InlineData("\"messageId\":\"m1\",\"body\":null," + Arn, "(message m1) has no body")]
    [InlineData("\"messageId\":\"m1\",\"body\":\"x\"", "eventSourceARN missing")]
    [InlineData("\"messageId\":\"m1\",\"body\":\"x\",\"eventSourceARN\":\"arn:aws:sns:us-east-1:1:topic\"", "not an SQS queue ARN")]
    [InlineData("\"messageId\":\"m1\",\"body\":\"x\"," + Arn + ",\"attributes\":{\"ApproximateReceiveCount\":\"zero\"}", "ApproximateReceiveCount \"zero\"")]
    [InlineData("\"messageId\":\"m1\",\"body\":\"x\"," + Arn + ",\"attributes\":{\"ApproximateReceiveCount\":\"0\"}", "not a positive integer")]
    [InlineData("\"messageId\":\"m1\",\"body\":\"x\"," + Arn + ",\"attributes\":{\"SentTimestamp\":\"yesterday\"}", "SentTimestamp \"yesterday\"")]
    public void TryMap_MissingOrBadField_FailsAsInvalidEventNamingIt(string fields, string named)
    {
        var error = Fail(Record(fields));

        Assert.Equal(ApiGatewayRequestMapper.InvalidEventType, error.ErrorType);
        Assert.Contains("Records[0]", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains(named, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMap_SecondRecordBroken_FailsNamingItsIndex()
    {
        var error = Fail($$"""{"Records":[{"eventSource":"aws:sqs","messageId":"a","body":"1",{{Arn}}},{"eventSource":"aws:sqs","body":"2",{{Arn}}}]}""");

        Assert.Contains("Records[1] has no messageId", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("aws-apigw-v2-request.json")]
    [InlineData("aws-s3-put.json")]
    [InlineData("aws-sns-event.json")]
    [InlineData("aws-kinesis-event.json")]
    [InlineData("aws-eventbridge-event.json")]
    public void TryMap_OtherSample_FailsAsUnsupported(string sample)
    {
        var error = Fail(RepoPaths.ReadSample(sample));

        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, error.ErrorType);
        Assert.Contains("SQS", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"Records":[]}""")]
    [InlineData("""{"Records":"many"}""")]
    public void TryMap_NotAnSqsEvent_FailsAsUnsupported(string payload) =>
        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, Fail(payload).ErrorType);

    [Theory]
    [InlineData("arn:aws:sqs:us-west-2:123456789012:SQSQueue", "SQSQueue")]
    [InlineData("arn:aws:sqs:eu-west-1:123456789012:orders.fifo", "orders.fifo")]
    [InlineData("arn:aws:sqs:us-west-2:123456789012:", null)]
    [InlineData("arn:aws:s3:::bucket", null)]
    [InlineData("payments", null)]
    [InlineData(null, null)]
    public void QueueNameFromArn_ReturnsTheLastSegmentOfSqsArnsOnly(string? arn, string? expected) =>
        Assert.Equal(expected, SqsEventMapper.QueueNameFromArn(arn));
}
