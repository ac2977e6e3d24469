using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Portable.TestKit;

// SQS defines md5OfBody and md5OfMessageAttributes as MD5: the tests recompute the platform's own field.
#pragma warning disable CA5351

namespace Portable.Testing.Tests.Events;

public sealed class SqsEventsTests
{
    private static readonly string[] Maps = ["$.Records[].messageAttributes"];

    private static JsonElement Record(byte[] json, int index = 0) => JsonDocument.Parse(json).RootElement.GetProperty("Records")[index];

    [Fact]
    public void Batch_MessageLikeTheSample_HasTheSamplesShape()
    {
        var message = MessageBuilder.Text("Message Body", id: "MessageID").From("SQSQueue").WithDeliveryCount(2).WithAttribute("Attribute2", "AttributeValue2").Build();

        var built = SqsEvents.Batch([message], new SqsEventOptions { Region = "us-west-2" });

        JsonShape.AssertConforms(
            JsonShape.Of(RepoPaths.ReadSample("aws-sqs-event.json"), Maps),
            JsonShape.Of(built, Maps),
            // List values are reserved by SQS: Lambda carries them empty.
            optional: ["$.Records[].messageAttributes.*.stringListValues[]", "$.Records[].messageAttributes.*.binaryListValues[]"]);
    }

    [Fact]
    public void Batch_Fields_AreWrittenAsTheEventSourceMappingWritesThem()
    {
        var sent = TestClock.Start.AddMinutes(-5);
        var message = MessageBuilder.Json("""{"a":1}""", id: "m-1").From("orders").WithDeliveryCount(3).EnqueuedAt(sent).WithAttribute("traceparent", "tp").Build();

        var record = Record(SqsEvents.Batch([message]));

        Assert.Equal("m-1", record.GetProperty("messageId").GetString());
        Assert.Equal("""{"a":1}""", record.GetProperty("body").GetString());
        Assert.Equal("arn:aws:sqs:us-east-1:123456789012:orders", record.GetProperty("eventSourceARN").GetString());
        Assert.Equal("aws:sqs", record.GetProperty("eventSource").GetString());
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData("""{"a":1}"""u8)), record.GetProperty("md5OfBody").GetString());
        var attributes = record.GetProperty("attributes");
        Assert.Equal("3", attributes.GetProperty("ApproximateReceiveCount").GetString());
        Assert.Equal(sent.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), attributes.GetProperty("SentTimestamp").GetString());
        Assert.False(attributes.TryGetProperty("MessageGroupId", out _));
        var attribute = record.GetProperty("messageAttributes").GetProperty("traceparent");
        Assert.Equal("String", attribute.GetProperty("dataType").GetString());
        Assert.Equal("tp", attribute.GetProperty("stringValue").GetString());
    }

    [Fact]
    public void Batch_OrderingKey_IsTheMessageGroupId()
    {
        var message = MessageBuilder.Json("{}", id: "m-1").From("orders.fifo").WithOrderingKey("customer-7").Build();

        var attributes = Record(SqsEvents.Batch([message])).GetProperty("attributes");

        Assert.Equal("customer-7", attributes.GetProperty("MessageGroupId").GetString());
        Assert.Equal("m-1", attributes.GetProperty("MessageDeduplicationId").GetString());
    }

    [Fact]
    public void Batch_NoAttributes_HasNullAttributesDigest()
    {
        var record = Record(SqsEvents.Batch([MessageBuilder.Json("{}").Build()]));

        Assert.Equal(JsonValueKind.Null, record.GetProperty("md5OfMessageAttributes").ValueKind);
        Assert.Empty(record.GetProperty("messageAttributes").EnumerateObject());
    }

    [Fact]
    public void Batch_SeveralMessages_KeepTheirOrder()
    {
        var json = SqsEvents.Batch([MessageBuilder.Json("1", id: "a").Build(), MessageBuilder.Json("2", id: "b").Build()]);

        Assert.Equal("a", Record(json, 0).GetProperty("messageId").GetString());
        Assert.Equal("b", Record(json, 1).GetProperty("messageId").GetString());
    }

    [Fact]
    public void Batch_BodyNotUtf8_IsRefused() =>
        Assert.Throws<ArgumentException>(() => SqsEvents.Batch([MessageBuilder.Bytes(new byte[] { 0xff, 0xfe }).Build()]));

    [Fact]
    public void Md5OfMessageAttributes_IsTheDigestOfTheLengthPrefixedEncoding()
    {
        // name "a", type "String", transport 1, value "b": each length-prefixed with 4 big-endian bytes.
        byte[] encoded = [0, 0, 0, 1, (byte)'a', 0, 0, 0, 6, .. Encoding.UTF8.GetBytes("String"), 1, 0, 0, 0, 1, (byte)'b'];

        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(encoded)), SqsEvents.Md5OfMessageAttributes(new Dictionary<string, string> { ["a"] = "b" }));
        Assert.Null(SqsEvents.Md5OfMessageAttributes(new Dictionary<string, string>()));
    }
}
