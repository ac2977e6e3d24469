using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Gcp.Events;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Events;

/// <summary>
/// The kit's Pub/Sub and CloudEvents requests (Portable.Testing) read back through this adapter's own reader: what a
/// user's test builds is what the Cloud Run host really understands, in each of the three forms Google sends.
/// </summary>
public sealed class KitPayloadsRoundTripTests
{
    private static IncomingMessage Sent(int deliveryCount = 1) =>
        MessageBuilder.Json("""{"paymentId":"p-1","amount":10.5}""", "4102184774039362")
            .From("payments")
            .WithAttribute("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .WithOrderingKey("customer-7")
            .WithDeliveryCount(deliveryCount)
            .EnqueuedAt(new DateTimeOffset(2026, 10, 31, 23, 59, 58, 123, TimeSpan.Zero))
            .Build();

    private static PubSubDelivery Read(PortableHttpRequest request)
    {
        Assert.True(PubSubPushReader.TryRead(request.ContentType, name => request.Headers[name], request.Body.Span, "payments", out var delivery, out var error), error);
        return delivery;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public void PushEnvelope_ReadBack_IsTheSameMessage(int deliveryCount)
    {
        var sent = Sent(deliveryCount);

        var delivery = Read(PubSubPush.Request(sent, "/ledger-writer", new PubSubPushOptions { Project = "p", Subscription = "s" }));

        Assert.Equal(PubSubDeliveryFormat.Push, delivery.Format);
        Assert.Equal("projects/p/subscriptions/s", delivery.Subscription);
        MessageAssert.Equal(sent, delivery.Message);
    }

    [Fact]
    public void MessagePublished_Binary_ReadBack_IsTheSameMessage()
    {
        var sent = Sent(deliveryCount: 2);

        var delivery = Read(CloudEventBuilder.PubSubMessagePublished(sent).ToBinaryRequest());

        Assert.Equal(PubSubDeliveryFormat.CloudEventBinary, delivery.Format);
        MessageAssert.Equal(sent, delivery.Message);
    }

    [Fact]
    public void MessagePublished_Structured_ReadBack_IsTheSameMessage()
    {
        var sent = Sent();

        var delivery = Read(CloudEventBuilder.PubSubMessagePublished(sent).ToStructuredRequest());

        Assert.Equal(PubSubDeliveryFormat.CloudEventStructured, delivery.Format);
        MessageAssert.Equal(sent, delivery.Message);
    }

    [Fact]
    public void OtherCloudEventType_IsRefusedByAQueueFunction()
    {
        var request = new CloudEventBuilder("google.cloud.storage.object.v1.finalized", "//storage.googleapis.com/projects/_/buckets/b").WithJsonData("{}").ToBinaryRequest();

        Assert.False(PubSubPushReader.TryRead(request.ContentType, name => request.Headers[name], request.Body.Span, "payments", out _, out var error));
        Assert.Contains("google.cloud.storage.object.v1.finalized", error, StringComparison.Ordinal);
    }
}
