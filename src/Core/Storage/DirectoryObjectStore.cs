using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using Portable.Core.Functions;

namespace Portable.Core.Storage;

/// <summary>
/// An object store in a folder, for the local host: object <c>{key}</c> of bucket <c>{bucket}</c> is the file
/// <c>{root}/{bucket}/{key}</c> (a <c>/</c> in a key is a subfolder), so a person can drop a file in and look at what
/// is there. It keeps no versions (asked for any version, it finds none) and no content types; entity
/// tags are the hex MD5 of the content, as S3 gives a single-part upload. A key that would leave the bucket's folder
/// (<c>..</c> segments, a rooted path, a backslash) is refused.
/// </summary>
public sealed class DirectoryObjectStore : IObjectStore
{
    private readonly string _root;
    private readonly TimeProvider _timeProvider;

    /// <summary>A store over <paramref name="root"/> (created on the first write).</summary>
    public DirectoryObjectStore(string root, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _root = Path.GetFullPath(root);
        _timeProvider = timeProvider;
    }

    /// <summary>The folder holding one subfolder per bucket.</summary>
    public string Root => _root;

    /// <summary>
    /// Writes <paramref name="content"/> as <paramref name="key"/> (replacing the file whole: it is written beside and
    /// moved over) and returns the object-created event a platform would send.
    /// </summary>
    /// <exception cref="ArgumentException">The bucket or key would leave its folder.</exception>
    [SuppressMessage("Security", "CA5351:Do Not Use Broken Cryptographic Algorithms", Justification = "The entity tag S3 gives a single-part upload, not a security use.")]
    public async ValueTask<ObjectCreated> PutAsync(string bucket, string key, ReadOnlyMemory<byte> content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(bucket, key) ?? throw new ArgumentException($"Key '{key}' of bucket '{bucket}' is not a path inside the bucket's folder.", nameof(key));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".portable-" + Guid.NewGuid().ToString("N");
        await File.WriteAllBytesAsync(temporary, content.ToArray(), cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        return new ObjectCreated
        {
            Cloud = CloudProvider.Local,
            Bucket = bucket,
            Key = key,
            ETag = Convert.ToHexStringLower(MD5.HashData(content.Span)),
            Size = content.Length,
            EventTime = _timeProvider.GetUtcNow(),
        };
    }

    /// <inheritdoc />
    public ValueTask<StoredObject> OpenReadAsync(string bucket, string key, string? version = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        ArgumentNullException.ThrowIfNull(key);
        cancellationToken.ThrowIfCancellationRequested();
        if (version is not null)
        {
            throw new ObjectNotFoundException(bucket, key, version);
        }

        if (PathOf(bucket, key) is not { } path)
        {
            throw new ObjectNotFoundException(bucket, key, version);
        }

        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, useAsync: true);
            return ValueTask.FromResult(new StoredObject(stream, contentType: null, stream.Length, etag: null, version: null));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ObjectNotFoundException(bucket, key, version, ex);
        }
    }

    // The file of an object, or null when the bucket or key would name something outside the bucket's folder.
    private string? PathOf(string bucket, string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(bucket);
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (bucket.Contains('/', StringComparison.Ordinal) || bucket.Contains('\\', StringComparison.Ordinal) || bucket is "." or ".."
            || key.Contains('\\', StringComparison.Ordinal) || key.Contains('\0', StringComparison.Ordinal) || key.EndsWith('/')
            || Path.IsPathRooted(key) || key.Split('/').Any(segment => segment is "" or "." or ".."))
        {
            return null;
        }

        var folder = Path.Join(_root, bucket);
        var path = Path.GetFullPath(Path.Join(folder, key));
        return path.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? path : null;
    }
}
