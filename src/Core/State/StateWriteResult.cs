namespace Portable.Core.State;

/// <summary>The outcome of a write: the new ETag, or a lost condition.</summary>
public readonly record struct StateWriteResult(bool Succeeded, string? ETag)
{
    /// <summary>The write's condition did not hold; nothing changed.</summary>
    public static StateWriteResult Conflict => new(false, null);

    /// <summary>The write landed with <paramref name="etag"/>.</summary>
    public static StateWriteResult Written(string etag) => new(true, etag);
}
