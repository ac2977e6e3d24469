namespace Portable.Local.Storage;

/// <summary>
/// The answer to an upload (<c>PUT /_local/buckets/{bucket}/{key}</c>, 201) or to a redelivered event
/// (<c>POST /_local/object-events</c>, 202): the object, and the storage functions its event was queued for (empty:
/// no trigger matched).
/// </summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Key">The key.</param>
/// <param name="ETag">The entity tag: the hex MD5 of the content, as S3 gives a single-part upload.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="ContentType">The content type the request gave, if any.</param>
/// <param name="EventTime">When the object was created, as its event says.</param>
/// <param name="Functions">The storage functions the event was queued for.</param>
public sealed record UploadResult(string Bucket, string Key, string? ETag, long? Size, string? ContentType, DateTimeOffset? EventTime, IReadOnlyList<string> Functions);
