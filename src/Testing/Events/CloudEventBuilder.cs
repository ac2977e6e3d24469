using System.Text;
using Portable.Core.Http;
using Portable.Core.Messaging;

namespace Portable.Testing;

/// <summary>
/// Builds a CloudEvent (CloudEvents 1.0) and the HTTP request that carries it, in either content mode of the HTTP
/// binding: binary (<c>ce-*</c> headers, the data as the body — how Eventarc delivers) or structured (one
/// <c>application/cloudevents+json</c> document). Samples: <c>protocols/samples/gcp-cloudevent-*.json</c>.
/// <code>
/// var request = CloudEventBuilder.PubSubMessagePublished(message).ToBinaryRequest("/ledger-writer");
/// </code>
/// </summary>
public sealed class CloudEventBuilder
{
    /// <summary>The media type of a structured-mode request.</summary>
    public const string StructuredMediaType = "application/cloudevents+json";

    /// <summary>Eventarc's type for a message published to a Pub/Sub topic.</summary>
    public const string MessagePublishedType = "google.cloud.pubsub.topic.v1.messagePublished";

    private readonly string _type;
    private readonly string _source;
    private readonly string _id;
    private readonly List<KeyValuePair<string, string>> _extensions = [];
    private string? _subject;
    private DateTimeOffset _time = TestClock.Start;
    private ReadOnlyMemory<byte> _data;
    private string? _dataContentType;

    /// <summary>Starts an event of <paramref name="type"/> from <paramref name="source"/>; <paramref name="id"/> defaults to a new unique id.</summary>
    public CloudEventBuilder(string type, string source, string? id = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(source);
        _type = type;
        _source = source;
        _id = id ?? Guid.NewGuid().ToString("D");
    }

    /// <summary>
    /// Eventarc's <c>messagePublished</c> event for <paramref name="message"/>: source
    /// <c>//pubsub.googleapis.com/projects/P/topics/T</c>, id the message id, time the publish time, and the push
    /// envelope (<c>{subscription, message}</c>, the message typed <c>google.pubsub.v1.PubsubMessage</c>) as JSON data.
    /// </summary>
    public static CloudEventBuilder PubSubMessagePublished(IncomingMessage message, PubSubPushOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        options ??= new PubSubPushOptions();
        var data = PayloadJson.Write(w => PubSubPush.WriteEnvelope(w, message, options, "type.googleapis.com/google.pubsub.v1.PubsubMessage"));
        return new CloudEventBuilder(MessagePublishedType, "//pubsub.googleapis.com/" + PubSubPush.TopicName(message, options), message.Id)
            .WithTime(PubSubPush.PublishTime(message, options))
            .WithData(data, "application/json");
    }

    /// <summary>Sets the subject (a storage event's <c>objects/{name}</c>).</summary>
    public CloudEventBuilder WithSubject(string subject)
    {
        ArgumentException.ThrowIfNullOrEmpty(subject);
        _subject = subject;
        return this;
    }

    /// <summary>Sets when it happened (default <see cref="TestClock.Start"/>).</summary>
    public CloudEventBuilder WithTime(DateTimeOffset time)
    {
        _time = time;
        return this;
    }

    /// <summary>Sets JSON data (<c>datacontenttype</c> <c>application/json</c>).</summary>
    public CloudEventBuilder WithJsonData(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return WithData(Encoding.UTF8.GetBytes(json), "application/json");
    }

    /// <summary>Sets the data bytes and their media type.</summary>
    public CloudEventBuilder WithData(ReadOnlyMemory<byte> data, string contentType)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        _data = data;
        _dataContentType = contentType;
        return this;
    }

    /// <summary>Adds an extension attribute (a storage event's <c>bucket</c>); names are lower-case letters and digits.</summary>
    public CloudEventBuilder WithExtension(string name, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c)))
        {
            throw new ArgumentException($"CloudEvents attribute names are lower-case letters and digits: '{name}'.", nameof(name));
        }

        _extensions.Add(new(name, value));
        return this;
    }

    /// <summary>The event in binary content mode: <c>POST {path}</c> with <c>ce-*</c> headers and the data as body.</summary>
    public PortableHttpRequest ToBinaryRequest(string path = "/")
    {
        var headers = new HeaderMap.Builder()
            .Add("ce-specversion", "1.0")
            .Add("ce-type", _type)
            .Add("ce-source", _source)
            .Add("ce-id", _id)
            .Add("ce-time", PayloadJson.Rfc3339(_time));
        if (_subject is not null)
        {
            headers.Add("ce-subject", _subject);
        }

        foreach (var (name, value) in _extensions)
        {
            headers.Add("ce-" + name, value);
        }

        if (_dataContentType is not null)
        {
            headers.Add("Content-Type", _dataContentType);
        }

        return new PortableHttpRequest { Method = "POST", Path = path, Headers = headers.Build(), Body = _data };
    }

    /// <summary>
    /// The event in structured content mode: <c>POST {path}</c> with one <c>application/cloudevents+json</c> document,
    /// JSON data inline as <c>data</c> and any other data as <c>data_base64</c>.
    /// </summary>
    public PortableHttpRequest ToStructuredRequest(string path = "/")
    {
        var body = PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("specversion", "1.0");
            w.WriteString("type", _type);
            w.WriteString("source", _source);
            if (_subject is not null)
            {
                w.WriteString("subject", _subject);
            }

            w.WriteString("id", _id);
            w.WriteString("time", PayloadJson.Rfc3339(_time));
            foreach (var (name, value) in _extensions)
            {
                w.WriteString(name, value);
            }

            if (_dataContentType is not null)
            {
                w.WriteString("datacontenttype", _dataContentType);
                if (JsonRequestBody.IsJsonContentType(_dataContentType))
                {
                    w.WritePropertyName("data");
                    w.WriteRawValue(_data.Span);
                }
                else
                {
                    w.WriteString("data_base64", Convert.ToBase64String(_data.Span));
                }
            }

            w.WriteEndObject();
        });
        return new PortableHttpRequest
        {
            Method = "POST",
            Path = path,
            Headers = HeaderMap.Empty.With("Content-Type", StructuredMediaType + "; charset=utf-8"),
            Body = body,
        };
    }
}
