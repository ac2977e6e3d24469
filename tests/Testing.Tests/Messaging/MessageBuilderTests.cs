using System.Text;
using System.Text.Json.Serialization;

namespace Portable.Testing.Tests.Messaging;

public sealed partial class MessageBuilderTests
{
    [Fact]
    public void Build_Defaults_UniqueIdTestQueueFirstDelivery()
    {
        var a = MessageBuilder.Json("{}").Build();
        var b = MessageBuilder.Json("{}").Build();

        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(MessageBuilder.DefaultSource, a.Source);
        Assert.Equal(1, a.DeliveryCount);
        Assert.Empty(a.Attributes);
        Assert.Null(a.EnqueuedAt);
        Assert.Null(a.OrderingKey);
    }

    [Fact]
    public void Build_EverythingSet_IsCarried()
    {
        var at = TestClock.Start.AddMinutes(-1);

        var message = MessageBuilder.Json("""{"a":1}""", "m-1")
            .From("orders")
            .WithAttribute("traceparent", "tp")
            .WithDeliveryCount(3)
            .EnqueuedAt(at)
            .WithOrderingKey("customer-1")
            .Build();

        Assert.Equal("m-1", message.Id);
        Assert.Equal("""{"a":1}""", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal("orders", message.Source);
        Assert.Equal("tp", message.Attributes["traceparent"]);
        Assert.Equal(3, message.DeliveryCount);
        Assert.Equal(at, message.EnqueuedAt);
        Assert.Equal("customer-1", message.OrderingKey);
    }

    [Fact]
    public void Json_TypedValue_UsesTheSourceGeneratedContext()
    {
        var message = MessageBuilder.Json(new Order("o-1", 2), OrderJson.Default.Order).Build();

        Assert.Equal("""{"id":"o-1","quantity":2}""", Encoding.UTF8.GetString(message.Body.Span));
    }

    [Fact]
    public void Bytes_AreKeptAsIs()
    {
        byte[] body = [0, 1, 255];

        Assert.Equal(body, MessageBuilder.Bytes(body).Build().Body.ToArray());
    }

    [Fact]
    public void WithDeliveryCount_BelowOne_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => MessageBuilder.Json("{}").WithDeliveryCount(0));

    internal sealed record Order(string Id, int Quantity);

    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
    [JsonSerializable(typeof(Order))]
    internal sealed partial class OrderJson : JsonSerializerContext;
}
