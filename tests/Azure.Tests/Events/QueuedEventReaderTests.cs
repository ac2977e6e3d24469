using System.Text;
using Portable.Azure.Events;
using Portable.TestKit;

namespace Portable.Azure.Tests.Events;

/// <summary>
/// The three shapes an event arrives in on a Storage queue — Portable's EventBridge envelope, a CloudEvents 1.0 JSON
/// event, an Event Grid schema event — read into one neutral event, the vendor samples among them; and what is not an
/// event refused with a reason.
/// </summary>
public sealed class QueuedEventReaderTests
{
    private static readonly DateTimeOffset Enqueued = new(2026, 11, 1, 12, 0, 0, TimeSpan.Zero);

    private static Core.Events.PortableEvent Read(string text)
    {
        Assert.True(QueuedEventReader.TryRead(Encoding.UTF8.GetBytes(text), Enqueued, out var @event, out var error), error);
        return @event;
    }

    private static string Sample(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, "..", "shared", "protocols", "samples", name));

    [Fact]
    public void EventBridgeSample_ReadAsItsEnvelope()
    {
        var @event = Read(Sample("aws-eventbridge-event.json"));

        Assert.Equal(("6a7e8feb-b491-4cf7-a9f1-bf3703467718", "aws.ec2", "EC2 Instance State-change Notification"), (@event.Id, @event.Source, @event.DetailType));
        Assert.Equal("111122223333", @event.Account);
        Assert.Equal(new DateTimeOffset(2017, 12, 22, 18, 43, 48, TimeSpan.Zero), @event.Time);
    }

    [Fact]
    public void CloudEventSample_TypeSourceSubjectAndData()
    {
        var @event = Read(Sample("gcp-cloudevent-storage-finalized.json"));

        Assert.Equal(("aaaaaa-1111-bbbb-2222-cccccccccccc", "//storage.googleapis.com/projects/_/buckets/some-bucket", "google.cloud.storage.object.v1.finalized"), (@event.Id, @event.Source, @event.DetailType));
        Assert.Equal("objects/folder/Test.cs", @event.Subject);
        Assert.Equal("some-bucket", @event.Detail.GetProperty("bucket").GetString());
        Assert.Equal(new DateTimeOffset(2020, 9, 29, 11, 32, 0, 123, TimeSpan.Zero), @event.Time);
    }

    [Fact]
    public void CloudEvent_ExtensionsAsAttributes_Base64Data_AndTheEnqueueTimeWhenItHasNone()
    {
        var @event = Read("""{"specversion": "1.0", "id": "c-1", "source": "inventory", "type": "inventory.reserved", "traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "count": 5, "data_base64": "eyJ0b3RhbCI6IDd9"}""");

        Assert.Equal(7, @event.Detail.GetProperty("total").GetInt32());
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", @event.Attributes["traceparent"]);
        Assert.False(@event.Attributes.ContainsKey("count")); // only string extension values
        Assert.Equal(Enqueued, @event.Time);
    }

    [Fact]
    public void EventGridEvent_TopicIsTheSource_EventTypeTheDetailType()
    {
        // The shape of the Event Grid schema (https://learn.microsoft.com/azure/event-grid/event-schema).
        var @event = Read("""
            {"topic": "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/topics/orders", "subject": "orders/42",
             "eventType": "order.placed", "eventTime": "2026-11-01T12:00:00.1234567Z", "id": "g-1", "data": {"total": 5}, "dataVersion": "1.0", "metadataVersion": "1"}
            """);

        Assert.Equal(("g-1", "/subscriptions/s/resourceGroups/g/providers/Microsoft.EventGrid/topics/orders", "order.placed", "orders/42"), (@event.Id, @event.Source, @event.DetailType, @event.Subject));
        Assert.Equal(5, @event.Detail.GetProperty("total").GetInt32());
        Assert.Equal("1.0", @event.Attributes["dataversion"]);
    }

    [Theory]
    [InlineData("{", "is not JSON")]
    [InlineData("42", "is a JSON object")]
    [InlineData("""{"specversion": "0.3", "id": "a", "source": "s", "type": "t"}""", "only 1.0")]
    [InlineData("""{"specversion": "1.0", "id": "", "source": "s", "type": "t"}""", "no 'id'")]
    [InlineData("""{"specversion": "1.0", "id": "a", "source": "s", "type": "t", "time": "yesterday"}""", "not a timestamp")]
    [InlineData("""{"specversion": "1.0", "id": "a", "source": "s", "type": "t", "data_base64": "bm90IGpzb24="}""", "does not hold a JSON object")]
    [InlineData("""{"id": "a", "topic": "t", "eventType": "e", "eventTime": "2026-01-01T00:00:00Z", "data": {}}""", "no 'subject'")]
    [InlineData("""{"id": "a", "topic": "t", "subject": "s", "eventType": "e", "eventTime": "2026-01-01T00:00:00Z", "data": [1]}""", "'data' is Array")]
    public void NotAnEvent_RefusedWithTheReason(string text, string reason)
    {
        Assert.False(QueuedEventReader.TryRead(Encoding.UTF8.GetBytes(text), Enqueued, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void RuleQueueNames_ValidStorageQueueNamesOrRefused()
    {
        Assert.Equal("events-on-inventory-reserved", EventQueues.OfRule("on-inventory-reserved"));
        Assert.Equal("on-inventory-reserved", EventQueues.RuleOf("events-on-inventory-reserved"));
        Assert.Null(EventQueues.RuleOf("payments"));
        Assert.Throws<ArgumentException>(() => EventQueues.OfRule("two--dashes"));
        Assert.Throws<ArgumentException>(() => EventQueues.OfRule(new string('a', EventQueues.MaxRuleLength + 1)));
        Assert.Equal(63, (EventQueues.OfRule(new string('a', EventQueues.MaxRuleLength)) + "-poison").Length);
    }
}
