using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Portable.Gcp.Events;

/// <summary>
/// Reads a <see cref="GcsObjectFinalized"/> from a Cloud Storage CloudEvent, whichever form carried it (Eventarc in
/// binary or structured mode, or a legacy <c>google.storage.object.finalize</c> event converted by
/// <see cref="LegacyEventConverter"/>). The bucket and name come from the data (the object resource); when the data
/// lacks them, from the <c>bucket</c> extension / source and the <c>objects/NAME</c> subject.
/// </summary>
internal static class GcsObjectEventReader
{
    /// <summary>The CloudEvent type of a new object (google-cloudevents <c>storage/v1/events.proto</c>).</summary>
    public const string FinalizedType = "google.cloud.storage.object.v1.finalized";

    private const string BucketSourcePrefix = "//storage.googleapis.com/projects/_/buckets/";
    private const string ObjectSubjectPrefix = "objects/";

    /// <summary>Reads the new object; false, with an error fit for a 400 or a dead letter, for anything else.</summary>
    public static bool TryRead(CloudEvent cloudEvent, [NotNullWhen(true)] out GcsObjectFinalized? created, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(cloudEvent);
        created = null;
        if (!string.Equals(cloudEvent.Type, FinalizedType, StringComparison.Ordinal))
        {
            error = $"CloudEvent type '{cloudEvent.Type}' is not a new Cloud Storage object ({FinalizedType}).";
            return false;
        }

        if (cloudEvent.Data.IsEmpty || !cloudEvent.IsJsonData)
        {
            error = "The storage event carries no JSON object resource as its data.";
            return false;
        }

        GcsObjectData? data;
        try
        {
            data = JsonSerializer.Deserialize(cloudEvent.Data.Span, GcsObjectJsonContext.Default.GcsObjectData);
        }
        catch (JsonException ex)
        {
            error = $"The storage event's data is not an object resource: {ex.Message}";
            return false;
        }

        if (data is null)
        {
            error = "The storage event's data is null.";
            return false;
        }

        if (data.ResourceState == "not_exists")
        {
            error = "The storage event reports an object that no longer exists (resourceState not_exists).";
            return false;
        }

        var bucket = NonEmpty(data.Bucket) ?? BucketFrom(cloudEvent);
        var name = NonEmpty(data.Name) ?? NameFrom(cloudEvent);
        if (bucket is null || name is null)
        {
            error = "The storage event names no bucket and object (data.bucket and data.name, or the source and subject).";
            return false;
        }

        if (data.Generation is not { } generation)
        {
            error = "The storage event has no object generation.";
            return false;
        }

        DateTimeOffset? timeCreated = null;
        if (data.TimeCreated is { Length: > 0 } text)
        {
            timeCreated = PubSubPushReader.ParseTimestamp(text);
            if (timeCreated is null)
            {
                error = $"The object's timeCreated '{text}' is not an RFC 3339 timestamp.";
                return false;
            }
        }

        created = new GcsObjectFinalized(
            bucket, name, generation, data.Metageneration ?? 1, NonEmpty(data.ETag), data.Size ?? 0, NonEmpty(data.ContentType), timeCreated, cloudEvent.Id);
        error = null;
        return true;
    }

    private static string? BucketFrom(CloudEvent cloudEvent)
    {
        if (cloudEvent.Extensions.TryGetValue("bucket", out var bucket) && bucket.Length > 0)
        {
            return bucket;
        }

        if (cloudEvent.Source.StartsWith(BucketSourcePrefix, StringComparison.Ordinal))
        {
            var rest = cloudEvent.Source.AsSpan(BucketSourcePrefix.Length);
            var slash = rest.IndexOf('/');
            var name = slash < 0 ? rest : rest[..slash];
            return name.IsEmpty ? null : name.ToString();
        }

        return null;
    }

    private static string? NameFrom(CloudEvent cloudEvent) =>
        cloudEvent.Subject is { } subject && subject.StartsWith(ObjectSubjectPrefix, StringComparison.Ordinal) && subject.Length > ObjectSubjectPrefix.Length
            ? subject[ObjectSubjectPrefix.Length..]
            : null;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
