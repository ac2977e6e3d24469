using Portable.Core.Functions;
using Portable.Core.Messaging;
using Portable.Testing;

namespace Portable.Core.Tests.Messaging;

/// <summary>The small queue function Core's framework tests run (<c>fn</c> on <c>orders</c>) and terse messages for it.</summary>
internal static class TestQueue
{
    /// <summary>A manifest with one queue function, <c>fn</c>, on queue <c>orders</c>.</summary>
    public static FunctionManifest Queue(MessageHandler handler, QueueTriggerOptions? options = null) =>
        new FunctionManifestBuilder().AddQueue("fn", "orders", handler, options).Build();

    /// <summary>A JSON message, by default from <c>orders</c> on its first delivery.</summary>
    public static IncomingMessage Message(string id, string body, string source = "orders", int deliveryCount = 1, IReadOnlyDictionary<string, string>? attributes = null)
    {
        var message = MessageBuilder.Json(body, id).From(source).WithDeliveryCount(deliveryCount);
        foreach (var (name, value) in attributes ?? new Dictionary<string, string>())
        {
            message.WithAttribute(name, value);
        }

        return message.Build();
    }
}
