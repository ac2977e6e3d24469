using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using Portable.Core.Functions;

namespace Portable.Core.Storage;

/// <summary>
/// The default object store: buckets in memory, every version kept (numbered 1, 2, … per key, as Cloud Storage numbers
/// generations), entity tags the hex MD5 of the content as S3 gives for a single-part upload. One process only, like
/// the in-memory state store; tests and the local host put objects with <see cref="Put"/>, which returns the event a
/// platform would send.
/// </summary>
public sealed class InMemoryObjectStore(TimeProvider timeProvider) : IObjectStore
{
    private readonly Dictionary<(string Bucket, string Key), List<Entry>> _objects = [];
    private readonly Lock _gate = new();

    /// <summary>Stores <paramref name="content"/> as the new latest version of <paramref name="key"/>; returns its object-created event.</summary>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "The entity tag S3 gives a single-part upload, not a security use.")]
    public ObjectCreated Put(string bucket, string key, ReadOnlyMemory<byte> content, string? contentType = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var etag = Convert.ToHexStringLower(MD5.HashData(content.Span));
        var now = timeProvider.GetUtcNow();
        string version;
        lock (_gate)
        {
            if (!_objects.TryGetValue((bucket, key), out var versions))
            {
                _objects[(bucket, key)] = versions = [];
            }

            version = (versions.Count + 1).ToString(CultureInfo.InvariantCulture);
            versions.Add(new Entry(version, content.ToArray(), contentType, etag));
        }

        return new ObjectCreated
        {
            Cloud = CloudProvider.Local,
            Bucket = bucket,
            Key = key,
            Version = version,
            ETag = etag,
            Size = content.Length,
            ContentType = contentType,
            EventTime = now,
        };
    }

    /// <summary>Removes every version of <paramref name="key"/>; false when there was none.</summary>
    public bool Delete(string bucket, string key)
    {
        lock (_gate)
        {
            return _objects.Remove((bucket, key));
        }
    }

    /// <inheritdoc />
    public ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        Entry? entry;
        lock (_gate)
        {
            entry = _objects.TryGetValue((bucket, key), out var versions)
                ? version is null ? versions[^1] : versions.Find(v => v.Version == version)
                : null;
        }

        return entry is null
            ? throw new ObjectNotFoundException(bucket, key, version)
            : ValueTask.FromResult(new StoredObject(new MemoryStream(entry.Content, writable: false), entry.ContentType, entry.Content.Length, entry.ETag, entry.Version));
    }

    private sealed record Entry(string Version, byte[] Content, string? ContentType, string ETag);
}
