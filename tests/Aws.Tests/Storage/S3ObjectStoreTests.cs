using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Portable.Aws.Storage;
using Portable.Core.Settings;
using Portable.Core.Storage;
using Portable.Engines;

namespace Portable.Aws.Tests.Storage;

/// <summary>The S3 object store against s3rver (a real S3 API on loopback), configured as the bootstrap configures it.</summary>
public sealed class S3ObjectStoreTests : IClassFixture<S3rverFixture>, IAsyncLifetime
{
    private readonly S3rverFixture _s3rver;
    private readonly AmazonS3Client _client;
    private readonly S3ObjectStore _store;
    private readonly string _bucket = "uploads-" + Guid.NewGuid().ToString("N")[..12];

    public S3ObjectStoreTests(S3rverFixture s3rver)
    {
        _s3rver = s3rver;
        var options = S3ObjectStoreOptions.From(S3rverSettings(s3rver));
        _client = options.CreateClient();
        _store = new S3ObjectStore(options);
    }

    /// <summary>What the bootstrap's environment says to reach s3rver (its one access key id; it checks no secret).</summary>
    internal static HostSettings S3rverSettings(S3rverFixture s3rver) => new(name => name switch
    {
        S3ObjectStoreOptions.EndpointVariable => s3rver.ServiceUrl.ToString(),
        "AWS_ACCESS_KEY_ID" => "S3RVER",
        "AWS_SECRET_ACCESS_KEY" => "any",
        _ => null,
    });

    public async Task InitializeAsync() => await _client.PutBucketAsync(new PutBucketRequest { BucketName = _bucket });

    public Task DisposeAsync()
    {
        _store.Dispose();
        _client.Dispose();
        return Task.CompletedTask;
    }

    private async Task<PutObjectResponse> PutAsync(string key, string content, string? contentType = null) =>
        // s3rver reads no aws-chunked bodies (streamed SigV4 payloads): send the body plain.
        await _client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = content, ContentType = contentType, UseChunkEncoding = false });

    private static async Task<string> ReadAsync(StoredObject stored)
    {
        await using (stored)
        {
            using var reader = new StreamReader(stored.Content, Encoding.UTF8);
            return await reader.ReadToEndAsync();
        }
    }

    [Fact]
    public void From_EndpointOverride_AddressesBucketsByPath()
    {
        var options = S3ObjectStoreOptions.From(new HostSettings(name => name == S3ObjectStoreOptions.SharedEndpointVariable ? _s3rver.ServiceUrl.ToString() : null));

        Assert.Equal(_s3rver.ServiceUrl, options.ServiceUrl);
        Assert.True(options.ForcePathStyle);
    }

    [Fact]
    public void From_NoOverride_UsesTheRegionAndVirtualHostedAddressing()
    {
        var options = S3ObjectStoreOptions.From(new HostSettings(name => name == "AWS_REGION" ? "eu-west-1" : null));

        Assert.Equal(new S3ObjectStoreOptions(null, ForcePathStyle: false, "eu-west-1"), options);
    }

    [Fact]
    public void From_SessionKeys_AreTheCredentials()
    {
        var options = S3ObjectStoreOptions.From(new HostSettings(name => name switch
        {
            "AWS_ACCESS_KEY_ID" => "AKIDEXAMPLE",
            "AWS_SECRET_ACCESS_KEY" => "secret",
            "AWS_SESSION_TOKEN" => "token",
            _ => null,
        }));

        var credentials = options.Credentials!.GetCredentials();
        Assert.Equal(("AKIDEXAMPLE", "secret", "token"), (credentials.AccessKey, credentials.SecretKey, credentials.Token));
    }

    [Fact]
    public void From_AccessKeyWithoutSecret_ThrowsNamingTheSecret()
    {
        var error = Assert.Throws<SettingsException>(() => S3ObjectStoreOptions.From(new HostSettings(name => name == "AWS_ACCESS_KEY_ID" ? "AKIDEXAMPLE" : null)));

        Assert.Contains("AWS_SECRET_ACCESS_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_PathStyleSwitchNotABoolean_ThrowsNamingIt()
    {
        var error = Assert.Throws<SettingsException>(() => S3ObjectStoreOptions.From(new HostSettings(name => name == S3ObjectStoreOptions.ForcePathStyleVariable ? "yes" : null)));

        Assert.Equal(S3ObjectStoreOptions.ForcePathStyleVariable, error.Variable);
    }

    [Fact]
    public async Task OpenReadAsync_ReadsTheContentAndWhatS3SaysAboutIt()
    {
        const string csv = "category,amount\nbooks,12.50\n";
        var put = await PutAsync("in/sales.csv", csv, "text/csv");

        var stored = await _store.OpenReadAsync(_bucket, "in/sales.csv");

        Assert.Equal("text/csv", stored.ContentType);
        Assert.Equal(Encoding.UTF8.GetByteCount(csv), stored.Length);
        Assert.Equal(put.ETag.Trim('"'), stored.ETag); // S3 quotes it; the port does not
        Assert.DoesNotContain('"', stored.ETag!);
        Assert.Equal(csv, await ReadAsync(stored));
    }

    [Theory]
    [InlineData("in/sales 2026 q1.csv")]
    [InlineData("c++/notes+more.csv")]
    [InlineData("logs/hd=test/10:47:07.csv")]
    [InlineData("café/€ 1.csv")]
    public async Task OpenReadAsync_KeysThatNotificationsEncode_ReadAsTheyAre(string key)
    {
        await PutAsync(key, key);

        Assert.Equal(key, await ReadAsync(await _store.OpenReadAsync(_bucket, key)));
    }

    [Fact]
    public async Task OpenReadAsync_LargeObject_IsStreamedWhole()
    {
        var body = string.Concat(Enumerable.Range(0, 60_000).Select(i => $"row-{i},{i}\n"));
        await PutAsync("big.csv", body);

        Assert.Equal(body, await ReadAsync(await _store.OpenReadAsync(_bucket, "big.csv")));
    }

    [Fact]
    public async Task OpenReadAsync_MissingKey_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await _store.OpenReadAsync(_bucket, "missing.csv"));

        Assert.Equal((_bucket, "missing.csv"), (error.Bucket, error.Key));
        Assert.IsAssignableFrom<AmazonS3Exception>(error.InnerException);
    }

    [Fact]
    public async Task OpenReadAsync_MissingBucket_ThrowsNotFound()
    {
        var error = await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await _store.OpenReadAsync("no-such-bucket-" + _bucket, "a.csv"));

        Assert.Contains("no-such-bucket-", error.Message, StringComparison.Ordinal);
    }
}
