using System.Text;
using System.Text.Json;
using Portable.Core.Events;
using Portable.TestKit;

namespace Portable.Core.Tests.Events;

public sealed class PortableEventTests
{
    private static PortableEvent OrderPlaced() => new()
    {
        Id = "evt-1",
        Source = "orders",
        DetailType = "order.placed",
        Time = new DateTimeOffset(2026, 3, 1, 10, 15, 30, 250, TimeSpan.FromHours(1)),
        Subject = "orders/o-1",
        Detail = JsonDocument.Parse("""{"orderId": "o-1", "total": 120.5}""").RootElement.Clone(),
        Account = "123456789012",
        Region = "eu-west-1",
        Resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"],
    };

    [Fact]
    public void ToEnvelopeUtf8_FullEvent_WritesTheEventBridgeEnvelope()
    {
        var json = Encoding.UTF8.GetString(OrderPlaced().ToEnvelopeUtf8());

        Assert.Equal(
            """{"version":"0","id":"evt-1","detail-type":"order.placed","source":"orders","account":"123456789012","time":"2026-03-01T09:15:30Z","region":"eu-west-1","resources":["arn:aws:dynamodb:eu-west-1:123456789012:table/orders"],"detail":{"orderId":"o-1","total":120.5}}""",
            json);
    }

    [Fact]
    public void ToEnvelopeUtf8_MinimalEvent_OmitsUnknownAccountAndRegionAndWritesEmptyDetail()
    {
        var minimal = new PortableEvent { Id = "e", Source = "s", DetailType = "t", Time = DateTimeOffset.UnixEpoch };

        var json = Encoding.UTF8.GetString(minimal.ToEnvelopeUtf8());

        Assert.Equal("""{"version":"0","id":"e","detail-type":"t","source":"s","time":"1970-01-01T00:00:00Z","resources":[],"detail":{}}""", json);
    }

    [Fact]
    public void FromEnvelope_OwnEnvelope_RoundTrips()
    {
        var original = OrderPlaced();

        var read = PortableEvent.FromEnvelope(original.ToEnvelopeUtf8());

        Assert.Equal(original.Id, read.Id);
        Assert.Equal(original.Source, read.Source);
        Assert.Equal(original.DetailType, read.DetailType);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 15, 30, TimeSpan.Zero), read.Time);
        Assert.Equal(original.Account, read.Account);
        Assert.Equal(original.Region, read.Region);
        Assert.Equal(original.Resources, read.Resources);
        Assert.Equal("""{"orderId":"o-1","total":120.5}""", read.Detail.GetRawText());
        Assert.Null(read.Subject);
    }

    [Fact]
    public void FromEnvelope_VendorSample_ReadsEveryField()
    {
        var sample = File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "aws-eventbridge-event.json"));

        var read = PortableEvent.FromEnvelope(sample);

        Assert.Equal("6a7e8feb-b491-4cf7-a9f1-bf3703467718", read.Id);
        Assert.Equal("aws.ec2", read.Source);
        Assert.Equal("EC2 Instance State-change Notification", read.DetailType);
        Assert.Equal(new DateTimeOffset(2017, 12, 22, 18, 43, 48, TimeSpan.Zero), read.Time);
        Assert.Equal("111122223333", read.Account);
        Assert.Equal("us-west-1", read.Region);
        Assert.Equal(["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"], read.Resources);
        Assert.Equal("terminated", read.Detail.GetProperty("state").GetString());
    }

    [Fact]
    public void FromEnvelope_ScheduledSample_ReadsTheEmptyDetail()
    {
        var read = PortableEvent.FromEnvelope(File.ReadAllBytes(Path.Combine(RepoPaths.Samples, "aws-eventbridge-scheduled.json")));

        Assert.Equal("Scheduled Event", read.DetailType);
        Assert.Equal(JsonValueKind.Object, read.Detail.ValueKind);
        Assert.Empty(read.Detail.EnumerateObject());
    }

    [Fact]
    public void FromEnvelope_DetailAsAJsonString_ReadsTheObjectInside()
    {
        var read = PortableEvent.FromEnvelope("""{"id":"1","source":"aws.scheduler","detail-type":"Scheduled Event","time":"2024-01-01T00:00:00Z","detail":"{\"job\":\"nightly\"}"}"""u8);

        Assert.Equal("nightly", read.Detail.GetProperty("job").GetString());
    }

    [Theory]
    [InlineData("""{"source":"s","detail-type":"t","time":"2024-01-01T00:00:00Z"}""", "The EventBridge event has no string 'id'.")]
    [InlineData("""{"id":"1","detail-type":"t","time":"2024-01-01T00:00:00Z"}""", "The EventBridge event has no string 'source'.")]
    [InlineData("""{"id":"1","source":"s","time":"2024-01-01T00:00:00Z"}""", "The EventBridge event has no string 'detail-type'.")]
    [InlineData("""{"id":"1","source":"s","detail-type":"t","time":"yesterday"}""", "The EventBridge event's 'time' is not a timestamp: 'yesterday'.")]
    [InlineData("""{"id":"1","source":"s","detail-type":"t","time":"2024-01-01T00:00:00Z","detail":[1]}""", "The EventBridge event's 'detail' is not a JSON object.")]
    [InlineData("""{"id":"1","source":"s","detail-type":"t","time":"2024-01-01T00:00:00Z","resources":"arn"}""", "The EventBridge event's 'resources' is not an array.")]
    [InlineData("""{"id":"1","source":"s","detail-type":"t","time":"2024-01-01T00:00:00Z","region":5}""", "The EventBridge event's 'region' is not a string.")]
    [InlineData("""[1]""", "An EventBridge event is a JSON object; this one is Array.")]
    public void FromEnvelope_NotAnEventBridgeEvent_SaysWhatIsWrong(string json, string message)
    {
        var error = Assert.Throws<FormatException>(() => PortableEvent.FromEnvelope(Encoding.UTF8.GetBytes(json)));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void FromEnvelope_NotJson_IsAFormatError()
    {
        var error = Assert.Throws<FormatException>(() => PortableEvent.FromEnvelope("{\"id\":"u8));

        Assert.StartsWith("The EventBridge event is not valid JSON: ", error.Message, StringComparison.Ordinal);
    }
}
