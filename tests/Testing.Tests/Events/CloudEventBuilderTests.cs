using System.Text;
using System.Text.Json;
using Portable.TestKit;

namespace Portable.Testing.Tests.Events;

public sealed class CloudEventBuilderTests
{
    private static readonly string[] PubSubMaps = ["$.data.message.attributes"];

    private static JsonElement Body(Portable.Core.Http.PortableHttpRequest request) => JsonDocument.Parse(request.Body).RootElement;

    private static Portable.Core.Messaging.IncomingMessage SampleMessage() =>
        MessageBuilder.Text("test message 3", id: "aaaaaa-1111-bbbb-2222-cccccccccccc").From("gcf-test").WithAttribute("attr1", "attr1-value")
            .EnqueuedAt(new DateTimeOffset(2020, 9, 29, 11, 32, 0, 123, TimeSpan.Zero)).Build();

    [Fact]
    public void PubSubMessagePublished_Structured_HasTheSamplesShape()
    {
        var options = new PubSubPushOptions { Project = "sample-project", Subscription = "sample-subscription" };

        var request = CloudEventBuilder.PubSubMessagePublished(SampleMessage(), options).ToStructuredRequest();

        JsonShape.AssertConforms(
            JsonShape.Of(RepoPaths.ReadSample("gcp-cloudevent-pubsub-message-published.json"), PubSubMaps),
            JsonShape.Of(request.Body, PubSubMaps),
            // Real deliveries repeat the id and time in snake_case (protocols README §1d, google-cloudevents "duplicatedFields").
            extra: ["$.data.message.message_id", "$.data.message.publish_time"]);
    }

    [Fact]
    public void PubSubMessagePublished_Structured_CarriesTheSamplesValues()
    {
        var options = new PubSubPushOptions { Project = "sample-project", Subscription = "sample-subscription" };
        using var sample = JsonDocument.Parse(RepoPaths.ReadSample("gcp-cloudevent-pubsub-message-published.json"));

        var e = Body(CloudEventBuilder.PubSubMessagePublished(SampleMessage(), options).ToStructuredRequest());

        foreach (var name in new[] { "specversion", "type", "source", "id", "time", "datacontenttype" })
        {
            Assert.Equal(sample.RootElement.GetProperty(name).GetString(), e.GetProperty(name).GetString());
        }

        Assert.Equal(sample.RootElement.GetProperty("data").GetProperty("subscription").GetString(), e.GetProperty("data").GetProperty("subscription").GetString());
        Assert.Equal(sample.RootElement.GetProperty("data").GetProperty("message").GetProperty("data").GetString(), e.GetProperty("data").GetProperty("message").GetProperty("data").GetString());
    }

    [Fact]
    public void PubSubMessagePublished_Binary_HeadersAreTheAttributesAndBodyTheData()
    {
        var request = CloudEventBuilder.PubSubMessagePublished(SampleMessage()).ToBinaryRequest("/ledger-writer");

        Assert.Equal("POST", request.Method);
        Assert.Equal("/ledger-writer", request.Path);
        Assert.Equal("1.0", request.Headers["ce-specversion"]);
        Assert.Equal(CloudEventBuilder.MessagePublishedType, request.Headers["ce-type"]);
        Assert.Equal("//pubsub.googleapis.com/projects/test-project/topics/gcf-test", request.Headers["ce-source"]);
        Assert.Equal("aaaaaa-1111-bbbb-2222-cccccccccccc", request.Headers["ce-id"]);
        Assert.Equal("2020-09-29T11:32:00.123Z", request.Headers["ce-time"]);
        Assert.Equal("application/json", request.ContentType);
        Assert.Equal("dGVzdCBtZXNzYWdlIDM=", Body(request).GetProperty("message").GetProperty("data").GetString());
    }

    [Fact]
    public void Storage_Structured_HasTheFinalizedSamplesShape()
    {
        var data = JsonDocument.Parse(RepoPaths.ReadSample("gcp-cloudevent-storage-finalized.json")).RootElement.GetProperty("data").GetRawText();

        var request = new CloudEventBuilder("google.cloud.storage.object.v1.finalized", "//storage.googleapis.com/projects/_/buckets/some-bucket", "1")
            .WithSubject("objects/folder/Test.cs")
            .WithJsonData(data)
            .ToStructuredRequest();

        JsonShape.AssertConforms(JsonShape.Of(RepoPaths.ReadSample("gcp-cloudevent-storage-finalized.json")), JsonShape.Of(request.Body));
        Assert.Equal("application/cloudevents+json; charset=utf-8", request.ContentType);
    }

    [Fact]
    public void Storage_Binary_BodyIsTheDataAsTheBinaryModeSampleIs()
    {
        var data = RepoPaths.ReadSample("gcp-cloudevent-storage-data-only-binary-mode-body.json");

        var request = new CloudEventBuilder("google.cloud.storage.object.v1.finalized", "//storage.googleapis.com/projects/_/buckets/sample-bucket")
            .WithSubject("objects/MyFile")
            .WithExtension("bucket", "sample-bucket")
            .WithJsonData(data)
            .ToBinaryRequest();

        Assert.Equal(data, Encoding.UTF8.GetString(request.Body.Span));
        Assert.Equal("objects/MyFile", request.Headers["ce-subject"]);
        Assert.Equal("sample-bucket", request.Headers["ce-bucket"]);
    }

    [Fact]
    public void Structured_NonJsonData_IsDataBase64()
    {
        var e = Body(new CloudEventBuilder("t", "s", "1").WithData(new byte[] { 1, 2, 3 }, "application/octet-stream").ToStructuredRequest());

        Assert.Equal("AQID", e.GetProperty("data_base64").GetString());
        Assert.False(e.TryGetProperty("data", out _));
    }

    [Theory]
    [InlineData("Bucket")]
    [InlineData("my-ext")]
    public void WithExtension_NameNotLowerCaseAlphanumeric_Throws(string name) =>
        Assert.Throws<ArgumentException>(() => new CloudEventBuilder("t", "s").WithExtension(name, "v"));
}
