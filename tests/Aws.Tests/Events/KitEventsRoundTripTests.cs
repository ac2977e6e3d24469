using System.Text;
using Amazon.SQS.Internal;
using Amazon.SQS.Model;
using Portable.Aws.Events;
using Portable.Core.Http;
using Portable.Core.Messaging;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Aws.Tests.Events;

/// <summary>
/// The kit's AWS payloads (Portable.Testing) read back through this adapter's own mappers: what a user's test builds
/// is what the Lambda host really understands, and the neutral input survives the trip.
/// </summary>
public sealed class KitEventsRoundTripTests
{
    private static PortableHttpRequest Request() =>
        HttpRequestBuilder.Post("/orders/a%20b?tag=x&tag=y%2Cz&empty=")
            .WithHeader("Accept", "application/json")
            .WithHeader("X-Tag", "one")
            .WithHeader("X-Tag", "two")
            .WithHeader("Cookie", "session=1; theme=dark")
            .WithHeader("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
            .WithJson("""{"sku":"a-1","quantity":2}""")
            .Build();

    private static HttpEvent Map(byte[] payload)
    {
        Assert.True(ApiGatewayRequestMapper.TryMap(payload, out var httpEvent, out var error), error?.ErrorMessage);
        return httpEvent;
    }

    private static void AssertSameRequest(PortableHttpRequest sent, PortableHttpRequest received, bool queryAsWritten)
    {
        Assert.Equal(sent.Method, received.Method);
        Assert.Equal(sent.Path, received.Path);
        if (queryAsWritten)
        {
            Assert.Equal(sent.QueryString, received.QueryString);
        }

        foreach (var name in sent.Query.Names)
        {
            Assert.Equal(sent.Query.GetValues(name), received.Query.GetValues(name));
        }

        Assert.Equal(sent.Body.ToArray(), received.Body.ToArray());
        Assert.Equal(sent.ContentType, received.ContentType);
    }

    [Fact]
    public void HttpApiV2_ReadBackByTheMapper_IsTheSameRequest()
    {
        var sent = Request();

        var e = Map(ApiGatewayEvents.HttpApiV2(sent, new LambdaHttpEventOptions { RequestId = "gw-7" }));

        Assert.Equal(HttpEventFormat.HttpApiV2, e.Format);
        AssertSameRequest(sent, e.Request, queryAsWritten: true);
        Assert.Equal("one,two", e.Request.Headers["X-Tag"]); // HTTP API joins repeated headers with a comma
        Assert.Equal("session=1; theme=dark", e.Request.Headers["Cookie"]);
        Assert.Equal("gw-7", e.GatewayRequestId);
        Assert.Equal(sent.Headers["traceparent"], e.TraceParent);
    }

    [Fact]
    public void HttpApiV2_NamedStage_IsStrippedFromThePath()
    {
        var sent = HttpRequestBuilder.Get("/orders/7").Build();

        var e = Map(ApiGatewayEvents.HttpApiV2(sent, new LambdaHttpEventOptions { Stage = "prod" }));

        Assert.Equal("/orders/7", e.Request.Path);
    }

    [Fact]
    public void HttpApiV2_BinaryBody_SurvivesBase64()
    {
        var sent = HttpRequestBuilder.Put("/blobs/1").WithBody(new byte[] { 0, 0xff, 0x10, 0x80 }, "application/octet-stream").Build();

        var e = Map(ApiGatewayEvents.HttpApiV2(sent));

        Assert.Equal(sent.Body.ToArray(), e.Request.Body.ToArray());
    }

    [Fact]
    public void RestApiV1_ReadBackByTheMapper_IsTheSameRequest()
    {
        var sent = Request();

        var e = Map(ApiGatewayEvents.RestApiV1(sent, new LambdaHttpEventOptions { Stage = "test", RequestId = "gw-8" }));

        Assert.Equal(HttpEventFormat.RestV1, e.Format);
        AssertSameRequest(sent, e.Request, queryAsWritten: false); // REST v1 carries decoded values: the mapper re-encodes them
        Assert.Equal(["one", "two"], e.Request.Headers.GetValues("X-Tag")); // multiValueHeaders keep every value
        Assert.Equal("gw-8", e.GatewayRequestId);
    }

    [Fact]
    public void FunctionUrl_ReadBackByTheMapper_IsAFunctionUrlEventOfTheSameRequest()
    {
        var sent = Request();

        var e = Map(FunctionUrlEvents.Request(sent));

        Assert.Equal(HttpEventFormat.FunctionUrl, e.Format);
        AssertSameRequest(sent, e.Request, queryAsWritten: true);
    }

    [Fact]
    public void Sqs_ReadBackByTheMapper_AreTheSameMessages()
    {
        var enqueued = TestClock.Start.AddSeconds(-30);
        IncomingMessage[] sent =
        [
            MessageBuilder.Json("""{"paymentId":"p-1"}""", "m-1").From("payments").WithDeliveryCount(2).EnqueuedAt(enqueued)
                .WithAttribute("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").Build(),
            MessageBuilder.Text("plain text, not JSON", "m-2").From("payments").EnqueuedAt(enqueued).Build(),
        ];

        Assert.True(SqsEventMapper.TryMap(SqsEvents.Batch(sent), out var batch, out var error), error?.ErrorMessage);

        Assert.False(batch.IsFifo);
        Assert.Equal(sent.Length, batch.Messages.Count);
        for (var i = 0; i < sent.Length; i++)
        {
            MessageAssert.Equal(sent[i], batch.Messages[i]);
        }
    }

    [Fact]
    public void Sqs_OrderingKey_MakesAFifoBatchWithItsGroup()
    {
        var sent = MessageBuilder.Json("{}", "m-1").From("payments.fifo").WithOrderingKey("customer-7").Build();

        Assert.True(SqsEventMapper.TryMap(SqsEvents.Batch([sent]), out var batch, out var error), error?.ErrorMessage);

        Assert.True(batch.IsFifo);
        Assert.Equal("customer-7", Assert.Single(batch.Messages).OrderingKey);
    }

    [Fact]
    public void Sqs_AttributesDigest_IsTheOneTheAwsSdkComputes()
    {
        var attributes = new Dictionary<string, string> { ["traceparent"] = "00-abc-def-01", ["b"] = "2", ["a"] = "héllo" };
        var sdk = attributes.ToDictionary(a => a.Key, a => new MessageAttributeValue { DataType = "String", StringValue = a.Value });

        Assert.Equal(ValidationResponseHandler.CalculateMD5(sdk), SqsEvents.Md5OfMessageAttributes(attributes));
    }

    [Fact]
    public void Sqs_BodyDigest_IsTheOneTheAwsSdkComputes()
    {
        var record = System.Text.Json.JsonDocument.Parse(SqsEvents.Batch([MessageBuilder.Text("héllo").Build()])).RootElement.GetProperty("Records")[0];

        Assert.Equal(ValidationResponseHandler.CalculateMD5(Encoding.UTF8.GetBytes("héllo")), record.GetProperty("md5OfBody").GetString());
    }
}
