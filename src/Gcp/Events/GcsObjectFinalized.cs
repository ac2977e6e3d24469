namespace Portable.Gcp.Events;

/// <summary>
/// A new object in a Google Cloud Storage bucket, read from a <c>google.cloud.storage.object.v1.finalized</c> CloudEvent
/// (<see cref="GcsObjectEventReader"/>). The object is identified by bucket, name and generation (a new generation is
/// a new write of the same name), which is what deduplicates redelivered notifications.
/// </summary>
/// <param name="Bucket">The bucket.</param>
/// <param name="Name">The object name, as stored (not URL-encoded; may contain slashes).</param>
/// <param name="Generation">The object's generation, unique per write of that name.</param>
/// <param name="Metageneration">The metadata generation (1 for a freshly written object).</param>
/// <param name="ETag">The HTTP entity tag of this generation, or null when the event carries none.</param>
/// <param name="Size">The size in bytes.</param>
/// <param name="ContentType">The object's content type, or null.</param>
/// <param name="TimeCreated">When this generation was created, or null.</param>
/// <param name="EventId">The CloudEvent's id (Eventarc sets one per notification; redeliveries keep it).</param>
internal sealed record GcsObjectFinalized(
    string Bucket,
    string Name,
    long Generation,
    long Metageneration,
    string? ETag,
    long Size,
    string? ContentType,
    DateTimeOffset? TimeCreated,
    string EventId);
