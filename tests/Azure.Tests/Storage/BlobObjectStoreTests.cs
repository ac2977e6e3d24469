using System.Text;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Portable.Azure.Storage;
using Portable.Core.Storage;
using Portable.Engines;

namespace Portable.Azure.Tests.Storage;

/// <summary>The Blob Storage object store against Azurite.</summary>
public sealed class BlobObjectStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly BlobServiceClient _service = BlobObjectStore.CreateService(azurite.ConnectionString);

    private async Task<(string Container, string ETag)> UploadAsync(string name, string text, string contentType = "text/plain")
    {
        var container = _service.GetBlobContainerClient($"store-{Guid.NewGuid():N}"[..20]);
        await container.CreateIfNotExistsAsync();
        var uploaded = await container.GetBlobClient(name).UploadAsync(BinaryData.FromString(text), new BlobUploadOptions { HttpHeaders = new BlobHttpHeaders { ContentType = contentType } });
        return (container.Name, uploaded.Value.ETag.ToString());
    }

    [Fact]
    public async Task OpenRead_AnUploadedBlob_StreamsItsContentWithTypeLengthAndUnquotedETag()
    {
        var (container, etag) = await UploadAsync("in/dir/naïve résumé 日本.txt", "hello, blob");
        var store = new BlobObjectStore(_service);

        await using var stored = await store.OpenReadAsync(container, "in/dir/naïve résumé 日本.txt");
        using var reader = new StreamReader(stored.Content, Encoding.UTF8);

        Assert.Equal("hello, blob", await reader.ReadToEndAsync());
        Assert.Equal("text/plain", stored.ContentType);
        Assert.Equal(11, stored.Length);
        Assert.Equal(etag.Trim('"'), stored.ETag);
        Assert.DoesNotContain('"', stored.ETag!);
    }

    [Fact]
    public async Task OpenRead_MissingBlobOrContainer_ObjectNotFound()
    {
        var (container, _) = await UploadAsync("present.txt", "x");
        var store = new BlobObjectStore(_service);

        var missingBlob = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync(container, "absent.txt").AsTask());
        var missingContainer = await Assert.ThrowsAsync<ObjectNotFoundException>(() => store.OpenReadAsync("no-such-container", "present.txt").AsTask());

        Assert.Equal((container, "absent.txt"), (missingBlob.Bucket, missingBlob.Key));
        Assert.Equal("no-such-container", missingContainer.Bucket);
    }

    [Fact]
    public async Task Describe_TheBlobAsItIsNow_OrNullWhenGone()
    {
        var (container, etag) = await UploadAsync("a b/c.csv", "k,v\n1,2\n", "text/csv");
        var store = new BlobObjectStore(_service);

        var described = await store.DescribeAsync(container, "a b/c.csv");
        var gone = await store.DescribeAsync(container, "nope.csv");

        Assert.NotNull(described);
        Assert.Equal((container, "a b/c.csv", etag.Trim('"'), 8L, "text/csv"), (described.Bucket, described.Key, described.ETag, described.Size, described.ContentType));
        Assert.Equal($"{container}/a b/c.csv#e:{etag.Trim('"')}", described.DeduplicationKey);
        Assert.NotNull(described.EventTime);
        Assert.Null(gone);
    }
}
