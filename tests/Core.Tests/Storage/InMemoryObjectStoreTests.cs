using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Functions;
using Portable.Core.Storage;

namespace Portable.Core.Tests.Storage;

public sealed class InMemoryObjectStoreTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    private static async Task<string> ReadAsync(StoredObject stored)
    {
        await using (stored)
        {
            using var reader = new StreamReader(stored.Content, Encoding.UTF8);
            return await reader.ReadToEndAsync();
        }
    }

    [Fact]
    public void Put_ReturnsTheEventAPlatformWouldSend()
    {
        var store = new InMemoryObjectStore(_clock);

        var created = store.Put("uploads", "a.csv", "hello"u8.ToArray(), "text/csv");

        Assert.Equal(CloudProvider.Local, created.Cloud);
        Assert.Equal(("uploads", "a.csv", "1", 5L, "text/csv"), (created.Bucket, created.Key, created.Version, created.Size, created.ContentType));
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", created.ETag); // MD5("hello"), as S3 tags a single-part upload
        Assert.Equal(_clock.GetUtcNow(), created.EventTime);
    }

    [Fact]
    public async Task OpenReadAsync_NoVersion_ReadsTheLatest()
    {
        var store = new InMemoryObjectStore(_clock);
        store.Put("uploads", "a.csv", "one"u8.ToArray());
        var second = store.Put("uploads", "a.csv", "two"u8.ToArray(), "text/csv");

        var stored = await store.OpenReadAsync("uploads", "a.csv");

        Assert.Equal(("2", "text/csv", 3L, second.ETag), (stored.Version, stored.ContentType, stored.Length, stored.ETag));
        Assert.Equal("two", await ReadAsync(stored));
    }

    [Fact]
    public async Task OpenReadAsync_AVersion_ReadsThatVersion()
    {
        var store = new InMemoryObjectStore(_clock);
        var first = store.Put("uploads", "a.csv", "one"u8.ToArray());
        store.Put("uploads", "a.csv", "two"u8.ToArray());

        Assert.Equal("one", await ReadAsync(await store.OpenReadAsync("uploads", "a.csv", first.Version)));
    }

    [Theory]
    [InlineData("uploads", "missing.csv", null)]
    [InlineData("other", "a.csv", null)]
    [InlineData("uploads", "a.csv", "7")]
    public async Task OpenReadAsync_NoSuchObject_ThrowsNotFoundNamingIt(string bucket, string key, string? version)
    {
        var store = new InMemoryObjectStore(_clock);
        store.Put("uploads", "a.csv", "one"u8.ToArray());

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await store.OpenReadAsync(bucket, key, version));

        Assert.Equal((bucket, key, version), (error.Bucket, error.Key, error.Version));
        Assert.Contains($"'{key}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_RemovesEveryVersion()
    {
        var store = new InMemoryObjectStore(_clock);
        var first = store.Put("uploads", "a.csv", "one"u8.ToArray());

        Assert.True(store.Delete("uploads", "a.csv"));
        Assert.False(store.Delete("uploads", "a.csv"));
        await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await store.OpenReadAsync("uploads", "a.csv", first.Version));
    }
}
