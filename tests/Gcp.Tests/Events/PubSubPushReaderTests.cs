using System.Text;
using Portable.Gcp.Events;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Events;

public sealed class PubSubPushReaderTests
{
    private const string Payments = "payments";

    private static readonly Func<string, string?> NoHeaders = _ => null;

    [Fact]
    public void TryRead_PushSample_ReadsEveryField()
    {
        var body = Encoding.UTF8.GetBytes(RepoPaths.ReadSample("gcp-pubsub-push.json"));

        Assert.True(PubSubPushReader.TryRead("application/json", NoHeaders, body, Payments, out var delivery, out var error), error);

        var message = delivery.Message;
        Assert.Equal(PubSubDeliveryFormat.Push, delivery.Format);
        Assert.Equal("projects/sample-project/subscriptions/sample-subscription", delivery.Subscription);
        Assert.Equal("4102184774039362", message.Id);
        Assert.Equal("Text message", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal("value1", message.Attributes["attr1"]);
        Assert.Equal("orderxyz", message.OrderingKey);
        Assert.Equal(new DateTimeOffset(2022, 2, 15, 11, 28, 32, 942, TimeSpan.Zero), message.EnqueuedAt);
        Assert.Equal(1, message.DeliveryCount);
        Assert.Equal(Payments, message.Source);
    }

    [Fact]
    public void TryRead_StructuredCloudEventSample_ReadsTheMessageInItsData()
    {
        var body = Encoding.UTF8.GetBytes(RepoPaths.ReadSample("gcp-cloudevent-pubsub-message-published.json"));

        Assert.True(PubSubPushReader.TryRead("application/cloudevents+json; charset=utf-8", NoHeaders, body, Payments, out var delivery, out var error), error);

        Assert.Equal(PubSubDeliveryFormat.CloudEventStructured, delivery.Format);
        Assert.Equal("aaaaaa-1111-bbbb-2222-cccccccccccc", delivery.Message.Id);
        Assert.Equal("test message 3", Encoding.UTF8.GetString(delivery.Message.Body.Span));
        Assert.Equal("attr1-value", delivery.Message.Attributes["attr1"]);
        Assert.Equal(new DateTimeOffset(2020, 9, 29, 11, 32, 0, 123, TimeSpan.Zero), delivery.Message.EnqueuedAt);
        Assert.Null(delivery.Message.OrderingKey);
    }

    [Fact]
    public void TryRead_BinaryCloudEvent_ReadsHeadersAndBody()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ce-specversion"] = "1.0",
            ["ce-id"] = "1234567",
            ["ce-source"] = "//pubsub.googleapis.com/projects/p/topics/payments",
            ["ce-type"] = PubSubPushReader.MessagePublishedType,
            ["ce-time"] = "2024-01-02T03:04:05.678Z",
        };
        var body = Encoding.UTF8.GetBytes("""
            {"message":{"data":"eyJhIjoxfQ==","attributes":{"k":"v"},"messageId":"1234567","message_id":"1234567","publishTime":"2024-01-02T03:04:05.678Z","publish_time":"2024-01-02T03:04:05.678Z"},
             "subscription":"projects/p/subscriptions/eventarc-x","deliveryAttempt":3}
            """);

        Assert.True(PubSubPushReader.TryRead("application/json", n => headers.GetValueOrDefault(n), body, Payments, out var delivery, out var error), error);

        Assert.Equal(PubSubDeliveryFormat.CloudEventBinary, delivery.Format);
        Assert.Equal("1234567", delivery.Message.Id);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(delivery.Message.Body.Span));
        Assert.Equal(3, delivery.Message.DeliveryCount);
        Assert.Equal("v", delivery.Message.Attributes["k"]);
    }

    [Fact]
    public void TryRead_OnlySnakeCaseFields_ReadsIdTimeAndOrderingKey()
    {
        var body = Encoding.UTF8.GetBytes("""
            {"message":{"data":"aGk=","message_id":"77","publish_time":"2021-02-05T04:06:14.109123456Z","ordering_key":"k1"},"subscription":"projects/p/subscriptions/s"}
            """);

        Assert.True(PubSubPushReader.TryRead("application/json", NoHeaders, body, Payments, out var delivery, out var error), error);

        Assert.Equal("77", delivery.Message.Id);
        Assert.Equal("k1", delivery.Message.OrderingKey);
        Assert.Equal(new DateTimeOffset(2021, 2, 5, 4, 6, 14, TimeSpan.Zero).AddTicks(1091234), delivery.Message.EnqueuedAt);
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(5, 5)]
    public void TryRead_DeliveryAttempt_BecomesDeliveryCount(int? attempt, int expected)
    {
        var field = attempt is null ? string.Empty : $",\"deliveryAttempt\":{attempt}";
        var body = Encoding.UTF8.GetBytes($"{{\"message\":{{\"data\":\"aGk=\",\"messageId\":\"1\"}},\"subscription\":\"projects/p/subscriptions/s\"{field}}}");

        Assert.True(PubSubPushReader.TryRead("application/json", NoHeaders, body, Payments, out var delivery, out var error), error);
        Assert.Equal(expected, delivery.Message.DeliveryCount);
    }

    [Fact]
    public void TryRead_AttributesOnlyMessage_HasAnEmptyBody()
    {
        var body = Encoding.UTF8.GetBytes("""{"message":{"attributes":{"kind":"ping"},"messageId":"9"},"subscription":"projects/p/subscriptions/s"}""");

        Assert.True(PubSubPushReader.TryRead("application/json", NoHeaders, body, Payments, out var delivery, out var error), error);
        Assert.True(delivery.Message.Body.IsEmpty);
        Assert.Equal("ping", delivery.Message.Attributes["kind"]);
    }

    [Fact]
    public void TryRead_UrlSafeUnpaddedBase64_IsDecoded()
    {
        var body = Encoding.UTF8.GetBytes("""{"message":{"data":"-_8","messageId":"9"}}""");

        Assert.True(PubSubPushReader.TryRead("application/json", NoHeaders, body, Payments, out var delivery, out var error), error);
        Assert.Equal(new byte[] { 0xfb, 0xff }, delivery.Message.Body.ToArray());
    }

    [Theory]
    [InlineData("""{"message":{"messageId":"1"},"subscription":"projects/p/subscriptions/s"}""", "neither data nor attributes")]
    [InlineData("""{"message":{"data":"aGk="},"subscription":"projects/p/subscriptions/s"}""", "no messageId")]
    [InlineData("""{"subscription":"projects/p/subscriptions/s"}""", "no message")]
    [InlineData("""{"message":{"data":"not base64!","messageId":"1"}}""", "not valid base64")]
    [InlineData("""{"message":"text"}""", "not a Pub/Sub push envelope")]
    [InlineData("hello", "not a Pub/Sub push envelope")]
    [InlineData("", "not a Pub/Sub push envelope")]
    public void TryRead_MalformedPush_FailsWithAReason(string json, string expected)
    {
        Assert.False(PubSubPushReader.TryRead("application/json", NoHeaders, Encoding.UTF8.GetBytes(json), Payments, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"1","source":"//pubsub.googleapis.com/projects/p/topics/t","type":"google.cloud.pubsub.topic.v1.messagePublished"}""", "has no data")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"//pubsub.googleapis.com/projects/p/topics/t","type":"google.cloud.pubsub.topic.v1.messagePublished","data":null}""", "has no data")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"//storage.googleapis.com/projects/_/buckets/b","type":"google.cloud.storage.object.v1.finalized","data":{}}""", "is not handled by a queue function")]
    [InlineData("""{"specversion":"0.3","id":"1","source":"s","type":"google.cloud.pubsub.topic.v1.messagePublished","data":{}}""", "specversion '0.3'")]
    [InlineData("""{"specversion":"1.0","source":"s","type":"google.cloud.pubsub.topic.v1.messagePublished","data":{}}""", "required attribute")]
    public void TryRead_MalformedStructuredCloudEvent_FailsWithAReason(string json, string expected)
    {
        Assert.False(PubSubPushReader.TryRead("application/cloudevents+json", NoHeaders, Encoding.UTF8.GetBytes(json), Payments, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_StructuredCloudEventWithDataBase64_DecodesTheEnvelope()
    {
        var envelope = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"message":{"data":"aGk=","messageId":"42"},"subscription":"projects/p/subscriptions/s"}"""));
        var json = $$"""{"specversion":"1.0","id":"42","source":"//pubsub.googleapis.com/projects/p/topics/t","type":"google.cloud.pubsub.topic.v1.messagePublished","data_base64":"{{envelope}}"}""";

        Assert.True(PubSubPushReader.TryRead("application/cloudevents+json", NoHeaders, Encoding.UTF8.GetBytes(json), Payments, out var delivery, out var error), error);
        Assert.Equal("hi", Encoding.UTF8.GetString(delivery.Message.Body.Span));
    }

    [Fact]
    public void TryRead_BinaryCloudEventWithoutBody_FailsAsMissingData()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "//pubsub.googleapis.com/projects/p/topics/t", ["ce-type"] = PubSubPushReader.MessagePublishedType,
        };

        Assert.False(PubSubPushReader.TryRead("application/json", n => headers.GetValueOrDefault(n), [], Payments, out _, out var error));
        Assert.Contains("has no data", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_BinaryCloudEventOfAnotherType_Fails()
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["ce-specversion"] = "1.0", ["ce-id"] = "1", ["ce-source"] = "//storage.googleapis.com/projects/_/buckets/b", ["ce-type"] = "google.cloud.storage.object.v1.finalized",
        };

        Assert.False(PubSubPushReader.TryRead("application/json", n => headers.GetValueOrDefault(n), "{}"u8, Payments, out _, out var error));
        Assert.Contains("google.cloud.storage.object.v1.finalized", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2022-02-15T11:28:32Z", 0)]
    [InlineData("2022-02-15T11:28:32.942Z", 9_420_000)]
    [InlineData("2022-02-15T11:28:32.942123456Z", 9_421_234)]
    public void ParseTimestamp_Rfc3339WithUpToNineDigits_Parses(string text, long fractionTicks)
    {
        Assert.Equal(new DateTimeOffset(2022, 2, 15, 11, 28, 32, TimeSpan.Zero).AddTicks(fractionTicks), PubSubPushReader.ParseTimestamp(text));
    }

    [Fact]
    public void ParseTimestamp_Garbage_IsNull() => Assert.Null(PubSubPushReader.ParseTimestamp("yesterday"));
}
