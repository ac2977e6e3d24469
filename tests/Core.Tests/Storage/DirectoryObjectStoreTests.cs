using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Functions;
using Portable.Core.Storage;

namespace Portable.Core.Tests.Storage;

public sealed class DirectoryObjectStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("portable-objects-").FullName;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private DirectoryObjectStore Store() => new(_root, _clock);

    private static async Task<string> ReadAsync(StoredObject stored)
    {
        await using (stored)
        {
            using var reader = new StreamReader(stored.Content, Encoding.UTF8);
            return await reader.ReadToEndAsync();
        }
    }

    [Fact]
    public async Task PutAsync_WritesTheFileUnderBucketAndKey_AndReturnsItsEvent()
    {
        var created = await Store().PutAsync("uploads", "in/q1 sales.csv", "hello"u8.ToArray());

        Assert.Equal("hello", await File.ReadAllTextAsync(Path.Combine(_root, "uploads", "in", "q1 sales.csv")));
        Assert.Equal((CloudProvider.Local, "uploads", "in/q1 sales.csv", 5L), (created.Cloud, created.Bucket, created.Key, created.Size));
        Assert.Equal("5d41402abc4b2a76b9719d911017c592", created.ETag);
        Assert.Null(created.Version);
        Assert.Equal(_clock.GetUtcNow(), created.EventTime);
        Assert.Equal("uploads/in/q1 sales.csv#e:5d41402abc4b2a76b9719d911017c592", created.DeduplicationKey);
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "uploads", "in"))); // no temporary file left behind
    }

    [Fact]
    public async Task OpenReadAsync_AFileDroppedIn_IsReadable()
    {
        Directory.CreateDirectory(Path.Combine(_root, "uploads"));
        await File.WriteAllTextAsync(Path.Combine(_root, "uploads", "a.csv"), "category,amount\n");

        var stored = await Store().OpenReadAsync("uploads", "a.csv");

        Assert.Equal(16, stored.Length);
        Assert.Equal("category,amount\n", await ReadAsync(stored));
    }

    [Fact]
    public async Task PutAsync_Again_ReplacesTheContent()
    {
        var store = Store();
        await store.PutAsync("uploads", "a.csv", "one"u8.ToArray());
        await store.PutAsync("uploads", "a.csv", "two"u8.ToArray());

        Assert.Equal("two", await ReadAsync(await store.OpenReadAsync("uploads", "a.csv")));
    }

    [Theory]
    [InlineData("uploads", "missing.csv", null)]
    [InlineData("other", "a.csv", null)]
    [InlineData("uploads", "a.csv", "3")]
    [InlineData("uploads", "../outside.csv", null)]
    [InlineData("uploads", "in/../../outside.csv", null)]
    [InlineData("..", "outside.csv", null)]
    public async Task OpenReadAsync_NothingThereOrOutsideTheBucket_IsNotFound(string bucket, string key, string? version)
    {
        await File.WriteAllTextAsync(Path.Combine(_root, "outside.csv"), "secret");
        await Store().PutAsync("uploads", "a.csv", "x"u8.ToArray());

        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await Store().OpenReadAsync(bucket, key, version));

        Assert.Equal((bucket, key, version), (error.Bucket, error.Key, error.Version));
    }

    [Theory]
    [InlineData("../x.csv")]
    [InlineData("/etc/x.csv")]
    [InlineData("a\\b.csv")]
    [InlineData("folder/")]
    public async Task PutAsync_KeyLeavingTheBucketsFolder_IsRefused(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store().PutAsync("uploads", key, "x"u8.ToArray()));

        Assert.False(File.Exists(Path.Combine(_root, "x.csv")));
    }
}
