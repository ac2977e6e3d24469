using System.Text;
using Portable.Azure.Worker;
using Portable.Core.Messaging;

namespace Portable.Azure.Tests.Worker;

public class WorkerQueueMappingTests
{
    // Binding data as the host sends it (protocol digest §3): strings stay strings, the rest is JSON text.
    private static Dictionary<string, object?> BindingData(string dequeueCount = "1") => new()
    {
        ["QueueTrigger"] = "ignored: the trigger input is the body",
        ["Id"] = "m-1",
        ["PopReceipt"] = "p",
        ["DequeueCount"] = dequeueCount,
        ["InsertionTime"] = "\"2026-11-01T10:00:00+00:00\"",
        ["ExpirationTime"] = "\"2026-11-08T10:00:00+00:00\"",
    };

    private static IncomingMessage Read(string? body, Dictionary<string, object?> bindingData, string? fallbackId = "inv-1")
    {
        Assert.True(WorkerQueueMapping.TryReadMessage(body, bindingData, "ledger", fallbackId, out var message, out var error), error);
        return message;
    }

    [Fact]
    public void TryReadMessage_StorageQueueInvocation_MapsIdDeliveryCountTimeBodyAndSource()
    {
        var message = Read("{\"paymentId\":\"p1\"}", BindingData("3"));

        Assert.Equal("m-1", message.Id);
        Assert.Equal(3, message.DeliveryCount);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), message.EnqueuedAt);
        Assert.Equal("{\"paymentId\":\"p1\"}", Encoding.UTF8.GetString(message.Body.Span));
        Assert.Equal("ledger", message.Source);
    }

    [Fact]
    public void TryReadMessage_Base64OfJson_Decoded()
    {
        var base64 = Convert.ToBase64String("{\"paymentId\":\"p1\"}"u8);

        Assert.Equal("{\"paymentId\":\"p1\"}", Encoding.UTF8.GetString(Read(base64, BindingData()).Body.Span));
    }

    [Fact]
    public void TryReadMessage_PlainTextThatIsValidBase64_StaysText() =>
        Assert.Equal("abcd", Encoding.UTF8.GetString(Read("abcd", BindingData()).Body.Span));

    [Fact]
    public void TryReadMessage_NoBody_Empty() => Assert.True(Read(null, BindingData()).Body.IsEmpty);

    [Fact]
    public void TryReadMessage_NoId_TheInvocationIdStandsIn()
    {
        var data = BindingData();
        data.Remove("Id");

        Assert.Equal("inv-1", Read("x", data).Id);
    }

    [Fact]
    public void TryReadMessage_NoIdNoInvocationId_Fails()
    {
        var data = BindingData();
        data.Remove("Id");

        Assert.False(WorkerQueueMapping.TryReadMessage("x", data, "ledger", null, out _, out var error));
        Assert.Contains("Id", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("many")]
    public void TryReadMessage_BadDequeueCount_FailsNamingIt(string count)
    {
        Assert.False(WorkerQueueMapping.TryReadMessage("x", BindingData(count), "ledger", "inv-1", out _, out var error));
        Assert.Contains("DequeueCount", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryReadMessage_NumericValuesAsObjects_Accepted()
    {
        var data = BindingData();
        data["DequeueCount"] = 2L;

        Assert.Equal(2, Read("x", data).DeliveryCount);
    }
}
