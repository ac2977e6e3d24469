using System.Text;
using System.Text.Json;
using Portable.TestKit;

namespace Portable.Testing.Tests.Events;

public sealed class PubSubPushTests
{
    private static readonly string[] Maps = ["$.message.attributes"];

    [Fact]
    public void Envelope_MessageLikeTheSample_HasTheSamplesShape()
    {
        var message = MessageBuilder.Text("Text message", id: "4102184774039362").WithAttribute("attr1", "value1").WithOrderingKey("orderxyz").Build();

        var built = PubSubPush.Envelope(message);

        JsonShape.AssertConforms(JsonShape.Of(RepoPaths.ReadSample("gcp-pubsub-push.json"), Maps), JsonShape.Of(built, Maps));
    }

    [Fact]
    public void Envelope_Fields_AreWrittenAsPushWritesThem()
    {
        var published = new DateTimeOffset(2022, 2, 15, 11, 28, 32, 942, TimeSpan.Zero);
        var message = MessageBuilder.Text("Text message", id: "m-1").From("orders").EnqueuedAt(published).Build();

        var e = JsonDocument.Parse(PubSubPush.Envelope(message)).RootElement;

        var m = e.GetProperty("message");
        Assert.Equal("VGV4dCBtZXNzYWdl", m.GetProperty("data").GetString());
        Assert.Equal("m-1", m.GetProperty("messageId").GetString());
        Assert.Equal("m-1", m.GetProperty("message_id").GetString());
        Assert.Equal("2022-02-15T11:28:32.942Z", m.GetProperty("publishTime").GetString());
        Assert.Equal("2022-02-15T11:28:32.942Z", m.GetProperty("publish_time").GetString());
        Assert.Equal("projects/test-project/subscriptions/orders-push", e.GetProperty("subscription").GetString());
        Assert.False(e.TryGetProperty("deliveryAttempt", out _));
        Assert.False(m.TryGetProperty("attributes", out _));
    }

    [Theory]
    [InlineData(1, null, null)]
    [InlineData(3, null, 3)]
    [InlineData(1, true, 1)]
    [InlineData(4, false, null)]
    public void Envelope_DeliveryAttempt_OnlyWithADeadLetterPolicy(int deliveryCount, bool? policy, int? expected)
    {
        var message = MessageBuilder.Json("{}").WithDeliveryCount(deliveryCount).Build();

        var e = JsonDocument.Parse(PubSubPush.Envelope(message, new PubSubPushOptions { HasDeadLetterPolicy = policy })).RootElement;

        Assert.Equal(expected, e.TryGetProperty("deliveryAttempt", out var attempt) ? attempt.GetInt32() : null);
    }

    [Fact]
    public void Request_IsAJsonPost()
    {
        var request = PubSubPush.Request(MessageBuilder.Json("{}").Build(), "/ledger-writer");

        Assert.Equal("POST", request.Method);
        Assert.Equal("/ledger-writer", request.Path);
        Assert.Equal("application/json", request.ContentType);
        Assert.StartsWith("APIs-Google", request.Headers["User-Agent"], StringComparison.Ordinal);
        Assert.Contains("\"subscription\"", Encoding.UTF8.GetString(request.Body.Span), StringComparison.Ordinal);
    }
}
