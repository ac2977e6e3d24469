using System.Text.Json;
using Portable.Core.Http;
using Portable.Core.Messaging;

namespace Portable.Testing;

/// <summary>
/// The request a Pub/Sub push subscription sends an endpoint: a POST of the wrapped envelope
/// <c>{"message":{…},"subscription":"projects/P/subscriptions/S"}</c>, field by field as in
/// <c>protocols/samples/gcp-pubsub-push.json</c> — data in base64, attributes, the id and publish time in both
/// camelCase and snake_case, the ordering key when set, <c>deliveryAttempt</c> with a dead-letter policy.
/// </summary>
public static class PubSubPush
{
    /// <summary>The User-Agent Pub/Sub push requests carry.</summary>
    public const string UserAgent = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)";

    /// <summary>The envelope's JSON (the request body).</summary>
    public static byte[] Envelope(IncomingMessage message, PubSubPushOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        options ??= new PubSubPushOptions();
        return PayloadJson.Write(w => WriteEnvelope(w, message, options, messageType: null));
    }

    /// <summary>The push request: <c>POST {path}</c>, <c>Content-Type: application/json</c>, the envelope as body.</summary>
    public static PortableHttpRequest Request(IncomingMessage message, string path = "/", PubSubPushOptions? options = null) => new()
    {
        Method = "POST",
        Path = path,
        Headers = new HeaderMap.Builder().Add("Content-Type", "application/json").Add("User-Agent", UserAgent).Build(),
        Body = Envelope(message, options),
    };

    /// <summary>The topic's full name, <c>projects/P/topics/T</c>.</summary>
    internal static string TopicName(IncomingMessage message, PubSubPushOptions options) =>
        $"projects/{options.Project}/topics/{options.Topic ?? message.Source}";

    /// <summary>When the topic received the message.</summary>
    internal static DateTimeOffset PublishTime(IncomingMessage message, PubSubPushOptions options) =>
        options.PublishTime ?? message.EnqueuedAt ?? TestClock.Start;

    /// <summary>Writes <c>{message, subscription, deliveryAttempt?}</c>; Eventarc's data types the message with <paramref name="messageType"/> (<c>@type</c>).</summary>
    internal static void WriteEnvelope(Utf8JsonWriter w, IncomingMessage message, PubSubPushOptions options, string? messageType)
    {
        var published = PayloadJson.Rfc3339(PublishTime(message, options));
        w.WriteStartObject();
        w.WriteStartObject("message");
        if (messageType is not null)
        {
            w.WriteString("@type", messageType);
        }

        if (message.Attributes.Count > 0)
        {
            PayloadJson.WriteStringMap(w, "attributes", message.Attributes);
        }

        if (!message.Body.IsEmpty)
        {
            w.WriteString("data", Convert.ToBase64String(message.Body.Span));
        }

        w.WriteString("messageId", message.Id);
        w.WriteString("message_id", message.Id);
        if (message.OrderingKey is { } orderingKey)
        {
            w.WriteString("orderingKey", orderingKey);
        }

        w.WriteString("publishTime", published);
        w.WriteString("publish_time", published);
        w.WriteEndObject();
        w.WriteString("subscription", $"projects/{options.Project}/subscriptions/{options.Subscription ?? message.Source + "-push"}");
        if (options.HasDeadLetterPolicy ?? message.DeliveryCount > 1)
        {
            w.WriteNumber("deliveryAttempt", message.DeliveryCount);
        }

        w.WriteEndObject();
    }
}
