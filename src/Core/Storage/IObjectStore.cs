namespace Portable.Core.Storage;

/// <summary>
/// The object-store port: reads what a storage event points at, from S3, Cloud Storage, Azure Blob Storage or memory.
/// Handlers read through it so they never see a cloud SDK.
/// </summary>
public interface IObjectStore
{
    /// <summary>
    /// Opens <paramref name="key"/> in <paramref name="bucket"/> for reading: its latest version, or
    /// <paramref name="version"/> when given (an <see cref="ObjectCreated.Version"/>). Dispose the result to release the stream.
    /// </summary>
    /// <exception cref="ObjectNotFoundException">There is no such bucket, key or version.</exception>
    ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default);
}
