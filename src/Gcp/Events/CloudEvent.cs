using System.Net.Http.Headers;

namespace Portable.Gcp.Events;

/// <summary>
/// One CloudEvent (CloudEvents 1.0) as a Cloud Run CloudEvent function receives it, whichever of the three request
/// forms carried it: binary mode (<c>ce-*</c> headers), structured mode (<c>application/cloudevents+json</c>) or a
/// legacy Cloud Functions background event converted as the Functions Framework converts it.
/// </summary>
public sealed class CloudEvent
{
    /// <summary>The only CloudEvents version accepted.</summary>
    public const string SpecVersion10 = "1.0";

    /// <summary>The CloudEvents version, always <see cref="SpecVersion10"/>.</summary>
    public string SpecVersion { get; init; } = SpecVersion10;

    /// <summary>The event's id, unique per <see cref="Source"/> (Eventarc: the Pub/Sub message id or the storage notification id).</summary>
    public required string Id { get; init; }

    /// <summary>Where it happened, a URI reference such as <c>//storage.googleapis.com/projects/_/buckets/B</c>.</summary>
    public required string Source { get; init; }

    /// <summary>What happened, such as <c>google.cloud.storage.object.v1.finalized</c>.</summary>
    public required string Type { get; init; }

    /// <summary>What it happened to within <see cref="Source"/>, such as <c>objects/folder/file.csv</c>; null when absent.</summary>
    public string? Subject { get; init; }

    /// <summary>When it happened; null when absent.</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>The media type of <see cref="Data"/>; null when absent (in structured mode JSON data then means JSON).</summary>
    public string? DataContentType { get; init; }

    /// <summary>The schema <see cref="Data"/> adheres to; null when absent.</summary>
    public string? DataSchema { get; init; }

    /// <summary>The payload as bytes: UTF-8 JSON when <see cref="IsJsonData"/>; empty when the event has none.</summary>
    public ReadOnlyMemory<byte> Data { get; init; }

    /// <summary>Extension attributes (for example Eventarc's <c>bucket</c>), by lower-case name, as strings.</summary>
    public IReadOnlyDictionary<string, string> Extensions { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>True when <see cref="DataContentType"/> is absent or a JSON media type (<c>application/json</c>, <c>text/json</c>, <c>*+json</c>).</summary>
    public bool IsJsonData => IsJsonMediaTypeOrAbsent(DataContentType);

    /// <summary>True when <paramref name="contentType"/> is null or a JSON media type (see <see cref="IsJsonMediaType"/>).</summary>
    public static bool IsJsonMediaTypeOrAbsent(string? contentType) => contentType is null || IsJsonMediaType(contentType);

    /// <summary>True for <c>application/json</c>, <c>text/json</c> and any <c>*/*+json</c> media type, parameters ignored.</summary>
    public static bool IsJsonMediaType(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType is not { } mediaType)
        {
            return false;
        }

        return mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }
}
