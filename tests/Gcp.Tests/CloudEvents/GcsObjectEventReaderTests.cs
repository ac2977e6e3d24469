using System.Text;
using Microsoft.AspNetCore.Http;
using Portable.Gcp.Events;
using Portable.TestKit;

namespace Portable.Gcp.Tests.CloudEvents;

/// <summary>
/// A Cloud Storage <c>finalized</c> CloudEvent becomes a <see cref="GcsObjectFinalized"/> whichever form carried it,
/// with <c>size</c>, <c>generation</c> and <c>metageneration</c> read as strings (proto3 JSON, real deliveries) or as
/// numbers (the google-cloudevents schema and examples).
/// </summary>
public sealed class GcsObjectEventReaderTests
{
    private static CloudEvent Read(string contentType, string body, params (string Name, string Value)[] headers)
    {
        var dictionary = new HeaderDictionary();
        foreach (var (name, value) in headers)
        {
            dictionary[name] = value;
        }

        Assert.True(CloudEventReader.TryRead(contentType, dictionary, Encoding.UTF8.GetBytes(body), "/", out var cloudEvent, out _, out var error), error);
        return cloudEvent;
    }

    private static GcsObjectFinalized Finalized(CloudEvent cloudEvent)
    {
        Assert.True(GcsObjectEventReader.TryRead(cloudEvent, out var created, out var error), error);
        return created;
    }

    [Fact]
    public void StructuredSample_WithStringNumbers_IsRead()
    {
        var created = Finalized(Read("application/cloudevents+json", RepoPaths.ReadSample("gcp-cloudevent-storage-finalized.json")));

        Assert.Equal(
            new GcsObjectFinalized("some-bucket", "folder/Test.cs", 1587627537231057, 1, "CNHZkbuF/ugCEAE=", 352, "text/plain", new DateTimeOffset(2020, 4, 23, 7, 38, 57, 230, TimeSpan.Zero), "aaaaaa-1111-bbbb-2222-cccccccccccc"),
            created);
    }

    [Fact]
    public void BinaryModeSampleBody_WithIntegerNumbers_IsRead()
    {
        var created = Finalized(Read(
            "application/json",
            RepoPaths.ReadSample("gcp-cloudevent-storage-data-only-binary-mode-body.json"),
            ("ce-specversion", "1.0"), ("ce-id", "evt-7"), ("ce-source", "//storage.googleapis.com/projects/_/buckets/sample-bucket"),
            ("ce-type", GcsObjectEventReader.FinalizedType), ("ce-subject", "objects/MyFile")));

        Assert.Equal("sample-bucket", created.Bucket);
        Assert.Equal("MyFile", created.Name);
        Assert.Equal(96883251, created.Generation);
        Assert.Equal("COu8mb3Dn+kCEAE=", created.ETag);
        Assert.Equal("text/plain", created.ContentType);
        Assert.Equal("evt-7", created.EventId);
        Assert.Equal((0L, 1L), (created.Size, created.Metageneration));
    }

    [Fact]
    public void LegacyFinalize_ConvertedLikeTheFunctionsFramework_IsRead()
    {
        var created = Finalized(Read("application/json", ConformanceData.Text("storage-legacy-input.json")));

        Assert.Equal(("some-bucket", "folder/Test.cs", 1587627537231057L, 352L), (created.Bucket, created.Name, created.Generation, created.Size));
    }

    [Fact]
    public void DataWithoutBucketOrName_TakesThemFromTheExtensionAndSubject()
    {
        var created = Finalized(Read(
            "application/json",
            """{"generation":5,"size":"10"}""",
            ("ce-specversion", "1.0"), ("ce-id", "e"), ("ce-source", "//storage.googleapis.com/projects/_/buckets/from-source"),
            ("ce-type", GcsObjectEventReader.FinalizedType), ("ce-subject", "objects/a/b.csv"), ("ce-bucket", "from-extension")));

        Assert.Equal(("from-extension", "a/b.csv", 5L, 10L), (created.Bucket, created.Name, created.Generation, created.Size));
    }

    [Theory]
    [InlineData("google.cloud.storage.object.v1.deleted", """{"bucket":"b","name":"n","generation":"1"}""", "not a new Cloud Storage object")]
    [InlineData(GcsObjectEventReader.FinalizedType, """{"bucket":"b","name":"n"}""", "no object generation")]
    [InlineData(GcsObjectEventReader.FinalizedType, """{"bucket":"b","name":"n","generation":"many"}""", "not an object resource")]
    [InlineData(GcsObjectEventReader.FinalizedType, """{"bucket":"b","name":"n","generation":"1","resourceState":"not_exists"}""", "no longer exists")]
    [InlineData(GcsObjectEventReader.FinalizedType, """{"generation":"1"}""", "names no bucket")]
    [InlineData(GcsObjectEventReader.FinalizedType, """{"bucket":"b","name":"n","generation":"1","timeCreated":"soon"}""", "timeCreated")]
    public void NotANewObject_IsRefusedWithAReason(string type, string data, string expected)
    {
        var cloudEvent = Read("application/json", data, ("ce-specversion", "1.0"), ("ce-id", "e"), ("ce-source", "//elsewhere"), ("ce-type", type));

        Assert.False(GcsObjectEventReader.TryRead(cloudEvent, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
