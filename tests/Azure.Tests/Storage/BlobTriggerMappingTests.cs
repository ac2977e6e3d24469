using System.Text;
using Portable.Azure.Storage;
using Portable.Core.Functions;

namespace Portable.Azure.Tests.Storage;

public class BlobTriggerMappingTests
{
    // Properties as the host writes BlobProperties (Newtonsoft): "ETag":{} because Azure.ETag has no public member.
    private const string HostProperties = """
        {"LastModified":"2026-11-01T10:00:00+00:00","CreatedOn":"2026-11-01T10:00:00+00:00","Metadata":{},"BlobType":0,
         "ContentLength":377,"ContentType":"application/json","ETag":{},"ContentHash":"SK/c+G9WfXJNIQ3lT17FkA==","VersionId":null,"IsLatestVersion":false}
        """;

    [Fact]
    public void TryRead_HostBindingData_ContainerKeySizeTypeTimeAndNoETag()
    {
        var data = new Dictionary<string, object?>
        {
            ["BlobTrigger"] = "uploads/in/sub dir/naïve 日本.csv",
            ["Uri"] = "\"http://127.0.0.1:10000/devstoreaccount1/uploads/in/sub%20dir/na%C3%AFve%20%E6%97%A5%E6%9C%AC.csv\"",
            ["Properties"] = HostProperties,
            ["Metadata"] = "{}",
            ["name"] = "sub dir/naïve 日本.csv",
        };

        Assert.True(BlobTriggerMapping.TryRead(data, null, out var created, out var error), error);

        Assert.Equal(CloudProvider.Azure, created.Cloud);
        Assert.Equal(("uploads", "in/sub dir/naïve 日本.csv"), (created.Bucket, created.Key));
        Assert.Equal((377L, "application/json"), (created.Size, created.ContentType));
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 10, 0, 0, TimeSpan.Zero), created.EventTime);
        Assert.Null(created.ETag);
        Assert.Null(created.Version);
    }

    [Fact]
    public void TryRead_ETagAndVersionGivenAsStrings_UnquotedAndTaken()
    {
        var data = new Dictionary<string, object?>
        {
            ["BlobTrigger"] = "c1/k",
            ["Properties"] = """{"ETag":"\"0x8DCAFE\"","VersionId":"2026-11-01T10:00:00.1234567Z","ContentLength":1}""",
        };

        Assert.True(BlobTriggerMapping.TryRead(data, null, out var created, out var error), error);

        Assert.Equal("0x8DCAFE", created.ETag);
        Assert.Equal("2026-11-01T10:00:00.1234567Z", created.Version);
        Assert.Equal("c1/k#v:2026-11-01T10:00:00.1234567Z", created.DeduplicationKey);
    }

    [Fact]
    public void TryRead_NoBlobTrigger_NamesTheBlobFromTheModelBindingData()
    {
        var content = Encoding.UTF8.GetBytes("""{"Connection":"AzureWebJobsStorage","ContainerName":"uploads","BlobName":"a/b c.csv"}""");

        Assert.True(BlobTriggerMapping.TryRead(new Dictionary<string, object?>(), content, out var created, out var error), error);

        Assert.Equal(("uploads", "a/b c.csv"), (created.Bucket, created.Key));
    }

    [Theory]
    [InlineData("nocontainer")]
    [InlineData("/leading")]
    [InlineData("trailing/")]
    public void TryRead_BlobTriggerWithoutContainerAndName_ClearError(string path)
    {
        Assert.False(BlobTriggerMapping.TryRead(new Dictionary<string, object?> { ["BlobTrigger"] = path }, null, out _, out var error));
        Assert.Contains("{container}/{blob name}", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_NothingNamesTheBlob_ClearError()
    {
        Assert.False(BlobTriggerMapping.TryRead(new Dictionary<string, object?>(), Encoding.UTF8.GetBytes("{}"), out _, out var error));
        Assert.Contains("names no blob", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_PropertiesNotJson_ClearError()
    {
        var data = new Dictionary<string, object?> { ["BlobTrigger"] = "c1/k", ["Properties"] = "{not json" };

        Assert.False(BlobTriggerMapping.TryRead(data, null, out _, out var error));
        Assert.StartsWith("Properties is not JSON", error, StringComparison.Ordinal);
    }
}
