using Portable.Core.Functions;

namespace Portable.Core.Storage;

/// <summary>
/// An object was created (uploaded, copied, or finished as a multipart upload) in a bucket or container, the same on
/// every cloud: an S3 event notification or EventBridge "Object Created" event, a Cloud Storage
/// <c>google.cloud.storage.object.v1.finalized</c> CloudEvent or legacy background event, an Azure blob trigger.
/// Adapters fill what their platform says and leave the rest null.
/// </summary>
public sealed record ObjectCreated
{
    /// <summary>The host that received the event.</summary>
    public required CloudProvider Cloud { get; init; }

    /// <summary>The bucket (S3, Cloud Storage) or container (Azure) as the platform names it: the name to read the object from.</summary>
    public required string Bucket { get; init; }

    /// <summary>The object's key (blob name), decoded: S3 notifications carry it URL-encoded, the adapter decodes it.</summary>
    public required string Key { get; init; }

    /// <summary>
    /// The version of the object this event is about, when the store keeps versions: the S3 <c>versionId</c> of a
    /// versioned bucket, the Cloud Storage <c>generation</c>, the Azure blob version id. Null otherwise.
    /// </summary>
    public string? Version { get; init; }

    /// <summary>The object's entity tag, without surrounding quotes (S3 <c>eTag</c>, Cloud Storage <c>etag</c>, Azure <c>ETag</c>).</summary>
    public string? ETag { get; init; }

    /// <summary>The object's size in bytes, when the event says.</summary>
    public long? Size { get; init; }

    /// <summary>The object's media type, when the event says (Cloud Storage and Azure do; S3 events do not).</summary>
    public string? ContentType { get; init; }

    /// <summary>When the platform says the object was created.</summary>
    public DateTimeOffset? EventTime { get; init; }

    /// <summary>
    /// S3's <c>sequencer</c>: a hex string that orders the events of one key (a greater value is a later event, compared
    /// once padded to the same length). Only for ordering and, failing anything better, for deduplication.
    /// </summary>
    public string? Sequencer { get; init; }

    /// <summary>
    /// What identifies this upload across repeated deliveries of its event: <c>{bucket}/{key}#{tag}</c>, the tag being
    /// the first of <c>v:</c><see cref="Version"/> (a version names one upload exactly), <c>e:</c><see cref="ETag"/>
    /// (the content: in a bucket without versions the same bytes uploaded again under the same key are taken for the
    /// same upload, and their effect would be the same) and <c>s:</c><see cref="Sequencer"/>. The same upload
    /// reaching a function by two routes (an S3 notification and EventBridge) has the same key. Null when the event
    /// carries none of the three: such an event cannot be told from a new upload, so it is never suppressed as a duplicate.
    /// </summary>
    public string? DeduplicationKey => Tag() is { } tag ? $"{Bucket}/{Key}#{tag}" : null;

    private string? Tag()
    {
        if (Version is { Length: > 0 } version)
        {
            return "v:" + version;
        }

        if (ETag?.Trim('"') is { Length: > 0 } etag)
        {
            return "e:" + etag;
        }

        return Sequencer is { Length: > 0 } sequencer ? "s:" + sequencer : null;
    }
}
