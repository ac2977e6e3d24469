using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Portable.Core.Messaging;

namespace Portable.Testing;

/// <summary>
/// Builds the neutral <see cref="IncomingMessage"/> every adapter hands Core: id, body (JSON, text or bytes),
/// attributes, delivery count, source queue, enqueue time and ordering key.
/// <code>
/// var message = MessageBuilder.Json("""{"orderId":"o-1"}""", id: "m-1").From("orders").WithDeliveryCount(2).Build();
/// </code>
/// </summary>
public sealed class MessageBuilder
{
    /// <summary>The source a message has until <see cref="From"/> names one.</summary>
    public const string DefaultSource = "test-queue";

    private readonly ReadOnlyMemory<byte> _body;
    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);
    private string _id;
    private string _source = DefaultSource;
    private int _deliveryCount = 1;
    private DateTimeOffset? _enqueuedAt;
    private string? _orderingKey;

    private MessageBuilder(ReadOnlyMemory<byte> body, string? id)
    {
        _body = body;
        _id = id ?? Guid.NewGuid().ToString("N");
    }

    /// <summary>A message whose body is <paramref name="json"/> in UTF-8; <paramref name="id"/> defaults to a new unique id.</summary>
    public static MessageBuilder Json(string json, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        return new MessageBuilder(Encoding.UTF8.GetBytes(json), id);
    }

    /// <summary>A message whose body is <paramref name="value"/> serialised with a source-generated <paramref name="typeInfo"/>.</summary>
    public static MessageBuilder Json<T>(T value, JsonTypeInfo<T> typeInfo, string? id = null) =>
        new(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), id);

    /// <summary>A message whose body is <paramref name="text"/> in UTF-8.</summary>
    public static MessageBuilder Text(string text, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new MessageBuilder(Encoding.UTF8.GetBytes(text), id);
    }

    /// <summary>A message whose body is <paramref name="body"/>, as is.</summary>
    public static MessageBuilder Bytes(ReadOnlyMemory<byte> body, string? id = null) => new(body, id);

    /// <summary>Sets the platform's message id (the idempotency key unless the trigger picks another).</summary>
    public MessageBuilder WithId(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        _id = id;
        return this;
    }

    /// <summary>Sets the queue or topic it came from (default <see cref="DefaultSource"/>).</summary>
    public MessageBuilder From(string source)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        _source = source;
        return this;
    }

    /// <summary>Adds a string attribute (an SQS message attribute, a Pub/Sub attribute, a Service Bus property).</summary>
    public MessageBuilder WithAttribute(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        _attributes[name] = value;
        return this;
    }

    /// <summary>Sets how many times the platform has delivered it, counting this one (default 1).</summary>
    public MessageBuilder WithDeliveryCount(int deliveryCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(deliveryCount, 1);
        _deliveryCount = deliveryCount;
        return this;
    }

    /// <summary>Sets when it was first enqueued or published.</summary>
    public MessageBuilder EnqueuedAt(DateTimeOffset enqueuedAt)
    {
        _enqueuedAt = enqueuedAt;
        return this;
    }

    /// <summary>Sets the FIFO group or ordering key.</summary>
    public MessageBuilder WithOrderingKey(string orderingKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(orderingKey);
        _orderingKey = orderingKey;
        return this;
    }

    /// <summary>The message.</summary>
    public IncomingMessage Build() => new()
    {
        Id = _id,
        Body = _body,
        Attributes = new Dictionary<string, string>(_attributes, StringComparer.Ordinal),
        DeliveryCount = _deliveryCount,
        EnqueuedAt = _enqueuedAt,
        Source = _source,
        OrderingKey = _orderingKey,
    };
}
