namespace Portable.Core.Storage;

/// <summary>An object opened for reading: its content as a stream (owned by this object) and what the store says about it.</summary>
public sealed class StoredObject : IAsyncDisposable, IDisposable
{
    /// <summary>Wraps <paramref name="content"/>, which this object disposes.</summary>
    public StoredObject(Stream content, string? contentType = null, long? length = null, string? etag = null, string? version = null)
    {
        ArgumentNullException.ThrowIfNull(content);
        Content = content;
        ContentType = contentType;
        Length = length;
        ETag = etag?.Trim('"');
        Version = version;
    }

    /// <summary>The object's bytes, read forward from the start.</summary>
    public Stream Content { get; }

    /// <summary>The object's media type, when the store keeps one.</summary>
    public string? ContentType { get; }

    /// <summary>The object's size in bytes, when the store says.</summary>
    public long? Length { get; }

    /// <summary>The object's entity tag, without quotes, when the store says.</summary>
    public string? ETag { get; }

    /// <summary>The version read, when the store keeps versions.</summary>
    public string? Version { get; }

    /// <inheritdoc />
    public void Dispose() => Content.Dispose();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => Content.DisposeAsync();
}
