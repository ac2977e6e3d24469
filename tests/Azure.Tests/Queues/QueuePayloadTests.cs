using System.Text;
using System.Text.Json;
using Portable.Azure.Hosting;
using Portable.TestKit;

namespace Portable.Azure.Tests.Queues;

public class QueuePayloadTests
{
    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string Body(Portable.Core.Messaging.IncomingMessage message) => Encoding.UTF8.GetString(message.Body.Span);

    private static Portable.Core.Messaging.IncomingMessage Read(string json, string? fallbackId = null)
    {
        Assert.True(QueuePayload.TryReadMessage(Parse(json), "message", "payments", fallbackId, out var message, out var error), error);
        return message;
    }

    private static string StorageInvocation(string messageJson, int dequeueCount = 1) =>
        "{\"Data\":{\"message\":" + messageJson + "},\"Metadata\":{\"DequeueCount\":" + dequeueCount
        + ",\"Id\":\"m-1\",\"InsertionTime\":\"2026-11-01T10:00:00+00:00\",\"PopReceipt\":\"p\",\"sys\":{\"MethodName\":\"ledger-writer\"}}}";

    [Fact]
    public void TryReadMessage_RealStorageQueueSample_MapsIdDeliveryCountTimeAndText()
    {
        // The sample names its binding myQueueItem: the only Data entry is taken as the message.
        var message = Read(RepoPaths.ReadSample("azure-customhandler-queue-request.json"));

        Assert.Equal("800ae4b3-bdd2-4c08-badd-f08e5a34b865", message.Id);
        Assert.Equal(1, message.DeliveryCount);
        Assert.Equal(new DateTimeOffset(2019, 10, 9, 17, 58, 31, TimeSpan.Zero), message.EnqueuedAt);
        Assert.Equal("{ message: \"Message sent\" }", Body(message));
        Assert.Equal("payments", message.Source);
        Assert.Empty(message.Attributes);
        Assert.Null(message.OrderingKey);
    }

    [Fact]
    public void TryReadMessage_JsonMessageAsString_BodyIsTheJsonText()
    {
        var message = Read(StorageInvocation("\"{\\\"paymentId\\\":\\\"p1\\\"}\"", dequeueCount: 3));

        Assert.Equal("{\"paymentId\":\"p1\"}", Body(message));
        Assert.Equal(3, message.DeliveryCount);
        Assert.Equal("m-1", message.Id);
    }

    [Fact]
    public void TryReadMessage_Base64OfJson_Decoded()
    {
        var base64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"paymentId\":\"p1\"}"));

        Assert.Equal("{\"paymentId\":\"p1\"}", Body(Read(StorageInvocation($"\"{base64}\""))));
    }

    [Theory]
    [InlineData("abcd")] // valid base64, but of bytes that are not JSON text
    [InlineData("hello world")]
    [InlineData("1234")] // JSON itself: kept
    public void TryReadMessage_PlainText_KeptAsIs(string text) =>
        Assert.Equal(text, Body(Read(StorageInvocation($"\"{text}\""))));

    [Fact]
    public void TryReadMessage_MessageAsJsonObject_BodyIsItsJsonText() =>
        Assert.Equal("{\"paymentId\":\"p1\",\"amount\":5}", Body(Read(StorageInvocation("{\"paymentId\":\"p1\",\"amount\":5}"))));

    [Fact]
    public void TryReadMessage_ServiceBusMetadata_MessageIdDeliveryCountPropertiesAndSession()
    {
        var message = Read("""
            {"Data":{"message":"{\"paymentId\":\"p9\"}"},
             "Metadata":{"MessageId":"sb-7","DeliveryCount":4,"EnqueuedTimeUtc":"2026-11-01T09:30:00Z","SessionId":"acc-1",
                         "ApplicationProperties":{"traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","priority":2},
                         "UserProperties":"{\"legacy\":\"yes\"}"}}
            """);

        Assert.Equal("sb-7", message.Id);
        Assert.Equal(4, message.DeliveryCount);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 9, 30, 0, TimeSpan.Zero), message.EnqueuedAt);
        Assert.Equal("acc-1", message.OrderingKey);
        Assert.Equal("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", message.Attributes["traceparent"]);
        Assert.Equal("2", message.Attributes["priority"]);
        Assert.Equal("yes", message.Attributes["legacy"]);
        Assert.Equal("{\"paymentId\":\"p9\"}", Body(message));
    }

    [Theory]
    [InlineData("""{"DequeueCount":1,"Id":"x","PopReceipt":"p"}""", QueueDeliverySource.StorageQueue)]
    [InlineData("""{"MessageId":"x","DeliveryCount":1}""", QueueDeliverySource.ServiceBus)]
    [InlineData("""{}""", QueueDeliverySource.StorageQueue)]
    public void DetectSource_Metadata_ServiceFromItsKeys(string metadata, QueueDeliverySource expected) =>
        Assert.Equal(expected, QueuePayload.DetectSource(Parse(metadata)));

    [Fact]
    public void TryReadMessage_NoIdInMetadata_InvocationIdStandsIn() =>
        Assert.Equal("inv-9", Read("""{"Data":{"message":"x"},"Metadata":{}}""", fallbackId: "inv-9").Id);

    [Fact]
    public void TryReadMessage_NoIdAnywhere_Fails()
    {
        Assert.False(QueuePayload.TryReadMessage(Parse("""{"Data":{"message":"x"}}"""), "message", "payments", null, out _, out var error));
        Assert.Contains("Id", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadMessage_DequeueCountAsString_Accepted() =>
        Assert.Equal(2, Read("""{"Data":{"message":"x"},"Metadata":{"Id":"a","DequeueCount":"2"}}""").DeliveryCount);

    [Fact]
    public void TryReadMessage_BadDequeueCount_FailsNamingIt()
    {
        Assert.False(QueuePayload.TryReadMessage(Parse("""{"Data":{"message":"x"},"Metadata":{"Id":"a","DequeueCount":"zero"}}"""), "message", "payments", null, out _, out var error));
        Assert.Contains("DequeueCount", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadMessage_SeveralDataEntriesWithoutTheBinding_FailsListingThem()
    {
        Assert.False(QueuePayload.TryReadMessage(Parse("""{"Data":{"a":"x","b":"y"},"Metadata":{"Id":"1"}}"""), "message", "payments", null, out _, out var error));
        Assert.Contains("a, b", error, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteResponse_NoLogs_ExactEmptyOutputsShape() =>
        Assert.Equal("""{"Outputs":{},"Logs":[],"ReturnValue":null}""", Encoding.UTF8.GetString(QueuePayload.WriteResponse([])));

    [Fact]
    public void WriteResponse_Logs_ListedInOrder()
    {
        using var document = JsonDocument.Parse(QueuePayload.WriteResponse(["one", "two"]));

        Assert.Equal(["one", "two"], document.RootElement.GetProperty("Logs").EnumerateArray().Select(e => e.GetString()));
    }
}
