using System.Text.Json;
using Portable.Azure.Hosting;
using Portable.Azure.Layout;
using Portable.Core.Http;
using Portable.Testing;

namespace Portable.Azure.Tests.Hosting;

/// <summary>
/// The kit's custom-handler payloads (Portable.Testing) read back through this adapter's own readers: what a user's
/// test builds is what the handler really understands, and the neutral input survives the trip.
/// </summary>
public sealed class KitPayloadsRoundTripTests
{
    private static JsonElement Root(PortableHttpRequest invocation) => JsonDocument.Parse(invocation.Body).RootElement;

    private static PortableHttpRequest ReadRequest(PortableHttpRequest invocation, string routePrefix)
    {
        Assert.True(HttpPayload.TryGetData(Root(invocation), out var data));
        Assert.True(HttpPayload.TryReadRequest(data.GetProperty(FunctionJsonWriter.HttpTriggerBindingName), routePrefix, out var request, out var error), error);
        return request;
    }

    [Theory]
    [InlineData("api")]
    [InlineData("")]
    public void Http_ReadBackByTheHandler_IsTheSameRequest(string routePrefix)
    {
        var sent = HttpRequestBuilder.Post("/orders/7?tag=x&tag=y")
            .WithHeader("Accept", "application/json")
            .WithHeader("X-Tag", "one")
            .WithHeader("X-Tag", "two")
            .WithJson("""{"sku":"a-1"}""")
            .Build();

        var received = ReadRequest(CustomHandlerPayloads.Http(sent, "orders-api", new CustomHandlerPayloadOptions { RoutePrefix = routePrefix }), routePrefix);

        Assert.Equal(sent.Method, received.Method);
        Assert.Equal(sent.Path, received.Path);
        Assert.Equal(sent.QueryString, received.QueryString);
        Assert.Equal(["one", "two"], received.Headers.GetValues("X-Tag"));
        Assert.Equal(sent.ContentType, received.ContentType);
        Assert.Equal(sent.Body.ToArray(), received.Body.ToArray());
    }

    [Fact]
    public void Http_OctetStreamBody_SurvivesBase64()
    {
        var sent = HttpRequestBuilder.Put("/blobs/1").WithBody(new byte[] { 0, 0xff, 0x10 }, "application/octet-stream").Build();

        var received = ReadRequest(CustomHandlerPayloads.Http(sent, "blobs"), "api");

        Assert.Equal(sent.Body.ToArray(), received.Body.ToArray());
    }

    [Fact]
    public void Queue_ReadBackByTheHandler_IsTheSameMessage()
    {
        var sent = MessageBuilder.Json("""{"paymentId":"p-1"}""", "m-1").From("payments").WithDeliveryCount(3).EnqueuedAt(TestClock.Start.AddMinutes(-5)).Build();
        var invocation = CustomHandlerPayloads.Queue(sent, "ledger-writer");

        Assert.True(
            QueuePayload.TryReadMessage(Root(invocation), FunctionJsonWriter.QueueTriggerBindingName, "payments", fallbackId: null, out var received, out var error),
            error);

        Assert.Equal(QueueDeliverySource.StorageQueue, QueuePayload.DetectSource(Root(invocation).GetProperty("Metadata")));
        Assert.Equal(sent.Id, received.Id);
        Assert.Equal(sent.Body.ToArray(), received.Body.ToArray());
        Assert.Equal(sent.DeliveryCount, received.DeliveryCount);
        Assert.Equal(sent.EnqueuedAt, received.EnqueuedAt);
        Assert.Equal("payments", received.Source);
        Assert.Equal("/ledger-writer", invocation.Path);
        Assert.NotNull(invocation.Headers[CustomHandlerEndpoint.InvocationIdHeader]);
    }
}
