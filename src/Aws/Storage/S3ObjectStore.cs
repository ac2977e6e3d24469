using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Portable.Core.Storage;

namespace Portable.Aws.Storage;

/// <summary>
/// The object-store port on S3 (AWSSDK.S3): <c>GetObject</c>, by version when one is asked for, streamed rather than
/// buffered. A 404 (<c>NoSuchKey</c>, <c>NoSuchBucket</c>, <c>NoSuchVersion</c>) is an
/// <see cref="ObjectNotFoundException"/>; anything else is the SDK's exception, for the resilience pipeline to judge.
/// The client is built on first use, so a function that never reads an object pays nothing at cold start.
/// </summary>
public sealed class S3ObjectStore : IObjectStore, IDisposable
{
    private readonly Lazy<IAmazonS3> _s3;
    private readonly bool _ownsClient;

    /// <summary>Reads through a client built (on first use) from <paramref name="options"/>.</summary>
    public S3ObjectStore(S3ObjectStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _s3 = new Lazy<IAmazonS3>(() => options.CreateClient(), LazyThreadSafetyMode.ExecutionAndPublication);
        _ownsClient = true;
    }

    /// <summary>Reads through <paramref name="s3"/>, which the caller owns.</summary>
    public S3ObjectStore(IAmazonS3 s3)
    {
        ArgumentNullException.ThrowIfNull(s3);
        _s3 = new Lazy<IAmazonS3>(s3);
    }

    /// <inheritdoc />
    public async ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        GetObjectResponse response;
        try
        {
            response = await _s3.Value.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = version }, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            throw new ObjectNotFoundException(bucket, key, version, ex);
        }

        return new StoredObject(
            response.ResponseStream,
            string.IsNullOrEmpty(response.Headers.ContentType) ? null : response.Headers.ContentType,
            response.ContentLength,
            response.ETag,
            string.IsNullOrEmpty(response.VersionId) ? null : response.VersionId);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsClient && _s3.IsValueCreated)
        {
            _s3.Value.Dispose();
        }
    }
}
