using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Portable.Core.Functions;
using Portable.Core.Storage;

namespace Portable.Azure.Storage;

/// <summary>
/// The object-store port on Azure Blob Storage (<c>Azure.Storage.Blobs</c>), over the app's storage account (the
/// <c>AzureWebJobsStorage</c> connection, as the blob trigger's <c>connection</c> names it): a bucket is a container,
/// a key a blob name. <see cref="OpenReadAsync"/> streams the blob (Get Blob), its latest version or the version id
/// asked for; a 404 — no container, no blob, no such version — is an <see cref="ObjectNotFoundException"/>, anything
/// else the SDK's <see cref="RequestFailedException"/>, for the resilience pipeline to judge (408, 429 and 5xx are
/// transient on Azure). Entity tags are given without their quotes.
/// </summary>
public sealed class BlobObjectStore : IObjectStore
{
    private readonly BlobServiceClient _service;

    /// <summary>Reads through <paramref name="service"/>.</summary>
    public BlobObjectStore(BlobServiceClient service)
    {
        ArgumentNullException.ThrowIfNull(service);
        _service = service;
    }

    /// <summary>A service client for <paramref name="connectionString"/> (an account key, SAS or Azurite connection string).</summary>
    public static BlobServiceClient CreateService(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return new BlobServiceClient(connectionString);
    }

    /// <inheritdoc />
    public async ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var blob = Blob(bucket, key, version);
        BlobDownloadStreamingResult result;
        try
        {
            result = (await blob.DownloadStreamingAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || IsUnknownVersion(ex, version))
        {
            throw new ObjectNotFoundException(bucket, key, version, ex);
        }

        var details = result.Details;
        return new StoredObject(
            result.Content,
            string.IsNullOrEmpty(details.ContentType) ? null : details.ContentType,
            details.ContentLength,
            details.ETag.ToString(),
            string.IsNullOrEmpty(details.VersionId) ? version : details.VersionId);
    }

    /// <summary>
    /// What the store says of a blob now (Get Blob Properties, no content), as the object-created event of its
    /// current state: entity tag (unquoted), size, content type, version id and last-modified time; null when the
    /// container, the blob or the version is not there.
    /// </summary>
    public async ValueTask<ObjectCreated?> DescribeAsync(string container, string name, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(container);
        ArgumentException.ThrowIfNullOrEmpty(name);
        BlobProperties properties;
        try
        {
            properties = (await Blob(container, name, version).GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 || IsUnknownVersion(ex, version))
        {
            return null;
        }

        return new ObjectCreated
        {
            Cloud = CloudProvider.Azure,
            Bucket = container,
            Key = name,
            ETag = properties.ETag.ToString().Trim('"'),
            Size = properties.ContentLength,
            ContentType = string.IsNullOrEmpty(properties.ContentType) ? null : properties.ContentType,
            Version = string.IsNullOrEmpty(properties.VersionId) ? version : properties.VersionId,
            EventTime = properties.LastModified,
        };
    }

    private BlobClient Blob(string container, string name, string? version)
    {
        var blob = _service.GetBlobContainerClient(container).GetBlobClient(name);
        return string.IsNullOrEmpty(version) ? blob : blob.WithVersion(version);
    }

    // A version id that is not one of the service's timestamps is refused as a bad request rather than not found
    // (Get Blob's versionid parameter, storage-blobs "Get Blob"): for the caller it names no version, all the same.
    private static bool IsUnknownVersion(RequestFailedException ex, string? version) =>
        version is not null && ex.Status == 400
        && ex.ErrorCode is "InvalidQueryParameterValue" or "InvalidResourceName" or "UnsupportedQueryParameter";
}
