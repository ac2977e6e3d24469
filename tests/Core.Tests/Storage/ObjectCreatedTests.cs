using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Json;
using Portable.Core.Storage;

namespace Portable.Core.Tests.Storage;

public sealed class ObjectCreatedTests
{
    private static ObjectCreated Created(string? version = null, string? etag = null, string? sequencer = null) => new()
    {
        Cloud = CloudProvider.Aws,
        Bucket = "uploads",
        Key = "in/report #1.csv",
        Version = version,
        ETag = etag,
        Sequencer = sequencer,
    };

    [Fact]
    public void DeduplicationKey_WithAVersion_IsTheVersion()
    {
        Assert.Equal("uploads/in/report #1.csv#v:3HL4kqtJ", Created("3HL4kqtJ", "abc", "0055AED6DCD90281E5").DeduplicationKey);
    }

    [Fact]
    public void DeduplicationKey_WithoutAVersion_IsTheEntityTagWithoutQuotes()
    {
        Assert.Equal("uploads/in/report #1.csv#e:d41d8cd98f00b204e9800998ecf8427e", Created(etag: "\"d41d8cd98f00b204e9800998ecf8427e\"", sequencer: "0A1B").DeduplicationKey);
    }

    [Fact]
    public void DeduplicationKey_OnlyASequencer_IsTheSequencer()
    {
        Assert.Equal("uploads/in/report #1.csv#s:0A1B2C3D4E5F678901", Created(sequencer: "0A1B2C3D4E5F678901").DeduplicationKey);
    }

    [Fact]
    public void DeduplicationKey_NothingIdentifiesTheUpload_IsNull()
    {
        Assert.Null(Created(version: "", etag: "\"\"").DeduplicationKey);
    }

    [Fact]
    public void DeduplicationKey_SameUploadFromTwoRoutes_IsTheSame()
    {
        // An S3 notification and the EventBridge event of one upload carry the same version, etag and sequencer.
        var direct = Created("v1", "abc", "0A") with { Size = 5 };
        var eventBridge = Created("v1", "abc", "0A") with { EventTime = DateTimeOffset.UnixEpoch };

        Assert.Equal(direct.DeduplicationKey, eventBridge.DeduplicationKey);
    }

    [Fact]
    public void Json_IsCamelCaseWithTheCloudByName_AndRoundTrips()
    {
        var created = Created("v1", "abc") with { Size = 12, ContentType = "text/csv", EventTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero) };

        var json = JsonSerializer.Serialize(created, CoreJsonContext.Default.ObjectCreated);

        Assert.Contains("\"cloud\":\"Aws\"", json, StringComparison.Ordinal);
        Assert.Contains("\"key\":\"in/report #1.csv\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("sequencer", json, StringComparison.Ordinal);
        Assert.Equal(created, JsonSerializer.Deserialize(json, CoreJsonContext.Default.ObjectCreated));
    }
}
