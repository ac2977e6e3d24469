namespace Portable.Core.Storage;

/// <summary>
/// The object a read asked for does not exist (or not in the version asked for): deleted since its event, or never
/// there. Retrying does not help: escaping a storage handler, it is taken for a permanent failure and the event is
/// dead-lettered with its message.
/// </summary>
public sealed class ObjectNotFoundException : Exception
{
    /// <summary>Creates the exception naming the object.</summary>
    public ObjectNotFoundException(string bucket, string key, string? version, Exception? innerException = null)
        : base(Describe(bucket, key, version), innerException)
    {
        Bucket = bucket;
        Key = key;
        Version = version;
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the object.</summary>
    public ObjectNotFoundException()
        : base("The object was not found.")
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the object.</summary>
    public ObjectNotFoundException(string message)
        : base(message)
    {
    }

    /// <summary>Needed by the analyzers; prefer the constructor that names the object.</summary>
    public ObjectNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The bucket or container asked for.</summary>
    public string? Bucket { get; }

    /// <summary>The key asked for.</summary>
    public string? Key { get; }

    /// <summary>The version asked for, or null for the latest.</summary>
    public string? Version { get; }

    private static string Describe(string bucket, string key, string? version) =>
        version is null
            ? $"Object '{key}' was not found in bucket '{bucket}'."
            : $"Version '{version}' of object '{key}' was not found in bucket '{bucket}'.";
}
