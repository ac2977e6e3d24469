using System.Text;
using Microsoft.AspNetCore.Http;
using Portable.Gcp.Events;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>The three request forms read into one <see cref="CloudEvent"/>, and the legacy conversions no conformance case covers.</summary>
public sealed class CloudEventReaderTests
{
    private static (bool Ok, CloudEvent? Event, CloudEventFormat Format, string? Error) Read(string? contentType, string body, string path = "/", params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        var ok = CloudEventReader.TryRead(contentType, dictionary, Encoding.UTF8.GetBytes(body), path, out var cloudEvent, out var format, out var error);
        return (ok, cloudEvent, format, error);
    }

    private static CloudEvent Legacy(string body, string path = "/")
    {
        var (ok, cloudEvent, format, error) = Read("application/json; charset=utf-8", body, path);
        Assert.True(ok, error);
        Assert.Equal(CloudEventFormat.Legacy, format);
        return cloudEvent!;
    }

    [Fact]
    public void Binary_ReadsAttributesExtensionsAndBody()
    {
        var (ok, cloudEvent, format, _) = Read("text/plain", "hello", "/", ("ce-specversion", "1.0"), ("CE-ID", "1"), ("ce-source", "//s"), ("ce-type", "t"),
            ("ce-time", "2026-12-01T10:00:00.123456789Z"), ("ce-dataschema", "https://schema"), ("ce-traceparent", "00-abc"));

        Assert.True(ok);
        Assert.Equal(CloudEventFormat.Binary, format);
        Assert.Equal(("1", "//s", "t", "text/plain", "https://schema"), (cloudEvent!.Id, cloudEvent.Source, cloudEvent.Type, cloudEvent.DataContentType, cloudEvent.DataSchema));
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero).AddTicks(1234567), cloudEvent.Time);
        Assert.Equal("00-abc", cloudEvent.Extensions["traceparent"]);
        Assert.Equal("hello", Encoding.UTF8.GetString(cloudEvent.Data.Span));
        Assert.False(cloudEvent.IsJsonData);
    }

    [Fact]
    public void Structured_TextDataUnderTextMediaType_IsTheText_AndExtensionsAreKept()
    {
        var (ok, cloudEvent, _, _) = Read("application/cloudevents+json; charset=utf-8",
            """{"specversion":"1.0","id":"1","source":"//s","type":"t","datacontenttype":"text/plain","data":"héllo","bucket":"b","count":3,"flag":true}""");

        Assert.True(ok);
        Assert.Equal("héllo", Encoding.UTF8.GetString(cloudEvent!.Data.Span));
        Assert.Equal(("b", "3", "true"), (cloudEvent.Extensions["bucket"], cloudEvent.Extensions["count"], cloudEvent.Extensions["flag"]));
    }

    [Fact]
    public void StructuredContentType_WinsOverCeHeaders()
    {
        var (ok, cloudEvent, format, _) = Read("application/cloudevents+json", """{"specversion":"1.0","id":"from-body","source":"//s","type":"t"}""", "/",
            ("ce-specversion", "1.0"), ("ce-id", "from-header"), ("ce-source", "//h"), ("ce-type", "h"));

        Assert.True(ok);
        Assert.Equal((CloudEventFormat.Structured, "from-body"), (format, cloudEvent!.Id));
    }

    [Fact]
    public void Structured_JsonDataWithoutContentType_IsJson()
    {
        var (ok, cloudEvent, _, _) = Read("application/cloudevents+json", """{"specversion":"1.0","id":"1","source":"//s","type":"t","data":"just a JSON string"}""");

        Assert.True(ok);
        Assert.True(cloudEvent!.IsJsonData);
        Assert.Equal("\"just a JSON string\"", Encoding.UTF8.GetString(cloudEvent.Data.Span));
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":7,"source":"//s","type":"t"}""", "'id' must be a string")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"//s","type":"t","ext":{"a":1}}""", "extension 'ext'")]
    [InlineData("""{"specversion":"1.0","id":"1","source":"//s","type":"t","data_base64":"***"}""", "not valid base64")]
    [InlineData("""["specversion"]""", "must be a JSON object")]
    [InlineData("""{"id":"1","source":"//s","type":"t"}""", "no specversion")]
    public void Structured_Malformed_IsRefused(string body, string expected)
    {
        var (ok, _, _, error) = Read("application/cloudevents+json", body);

        Assert.False(ok);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Legacy_StorageResourceWithGeneration_SplitsBucketAndObject_WithoutTheGeneration()
    {
        var cloudEvent = Legacy("""
            {"eventId":"9","timestamp":"2026-12-01T10:00:00Z","eventType":"google.storage.object.finalize",
             "resource":"projects/_/buckets/uploads/objects/in/2026/data.csv#1764583200000000","data":{"bucket":"uploads","name":"in/2026/data.csv"}}
            """);

        Assert.Equal(("//storage.googleapis.com/projects/_/buckets/uploads", "objects/in/2026/data.csv", "google.cloud.storage.object.v1.finalized"),
            (cloudEvent.Source, cloudEvent.Subject, cloudEvent.Type));
        Assert.Equal("application/json", cloudEvent.DataContentType);
    }

    [Fact]
    public void Legacy_LegacyStorageChangeOfALiveObject_IsFinalized()
    {
        var cloudEvent = Legacy("""
            {"eventId":"9","eventType":"providers/cloud.storage/eventTypes/object.change","resource":"projects/_/buckets/b/objects/o","data":{"resourceState":"exists"}}
            """);

        Assert.Equal("google.cloud.storage.object.v1.finalized", cloudEvent.Type);
        Assert.Null(cloudEvent.Time);
    }

    [Fact]
    public void Legacy_PubSubWithContext_WrapsTheMessage_AndKeepsItsOwnIdAndTime()
    {
        var cloudEvent = Legacy("""
            {"context":{"eventId":"e-1","timestamp":"2026-12-01T10:00:00Z","eventType":"google.pubsub.topic.publish",
             "resource":{"service":"pubsub.googleapis.com","name":"projects/p/topics/t","type":"type.googleapis.com/google.pubsub.v1.PubsubMessage"}},
             "data":{"@type":"type.googleapis.com/google.pubsub.v1.PubsubMessage","data":"aGk=","messageId":"own-id"}}
            """);

        Assert.Equal("//pubsub.googleapis.com/projects/p/topics/t", cloudEvent.Source);
        Assert.Equal(
            """{"message":{"@type":"type.googleapis.com/google.pubsub.v1.PubsubMessage","data":"aGk=","messageId":"own-id","publishTime":"2026-12-01T10:00:00Z"}}""",
            Encoding.UTF8.GetString(cloudEvent.Data.Span));
    }

    [Fact]
    public void Legacy_RawPubSubPush_ToAPathWithoutTopic_UsesTheFunctionsFrameworkPlaceholder()
    {
        var cloudEvent = Legacy("""{"message":{"data":"aGk=","message_id":"m"},"subscription":"projects/p/subscriptions/s"}""", "/");

        Assert.Equal("//pubsub.googleapis.com/projects/unknown-project!/topics/unknown-topic!", cloudEvent.Source);
        Assert.Equal("m", cloudEvent.Id);
    }

    [Fact]
    public void Legacy_AnalyticsLog_TakesTheAppFromUserDim()
    {
        var cloudEvent = Legacy("""
            {"eventId":"a","eventType":"providers/google.firebase.analytics/eventTypes/event.log","resource":"projects/p1/events/purchase",
             "data":{"userDim":{"appInfo":{"appId":"com.example.app"}}}}
            """);

        Assert.Equal(("//firebaseanalytics.googleapis.com/projects/p1/apps/com.example.app", "events/purchase", "google.firebase.analytics.log.v1.written"),
            (cloudEvent.Source, cloudEvent.Subject, cloudEvent.Type));
    }

    [Fact]
    public void Legacy_RtdbLocalizedDomain_PutsTheLocationInTheSource()
    {
        var cloudEvent = Legacy("""
            {"eventId":"r","eventType":"providers/google.firebase.database/eventTypes/ref.create","domain":"asia-southeast1.firebasedatabase.app",
             "resource":"projects/_/instances/db-1/refs/users/u1","data":{"data":null,"delta":{"name":"x"}}}
            """);

        Assert.Equal(("//firebasedatabase.googleapis.com/projects/_/locations/asia-southeast1/instances/db-1", "refs/users/u1"), (cloudEvent.Source, cloudEvent.Subject));
    }

    [Theory]
    [InlineData("""{"eventId":"1","eventType":"google.storage.object.finalize","resource":"r"}""", "no data")]
    [InlineData("""{"eventId":"1","eventType":"google.storage.object.finalize","data":{}}""", "no resource name")]
    [InlineData("""{"eventId":"1","eventType":"google.storage.object.finalize","resource":"r","timestamp":"later","data":{}}""", "RFC 3339")]
    [InlineData("""{"eventId":"1","eventType":"google.pubsub.topic.publish","resource":"projects/p/topics/t","data":"text"}""", "message object")]
    [InlineData("""{"eventId":"1","eventType":"providers/google.firebase.database/eventTypes/ref.write","domain":"firebaseio.com","resource":"projects/p/other","data":{}}""", "not of the form")]
    [InlineData("""{"eventId":"1","eventType":{"nested":true},"resource":"r","data":{}}""", "eventType and eventId")]
    [InlineData("[1,2]", "JSON object")]
    public void Legacy_Malformed_IsRefused(string body, string expected)
    {
        var (ok, _, _, error) = Read("application/json", body);

        Assert.False(ok);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
