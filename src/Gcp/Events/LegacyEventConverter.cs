using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Portable.Gcp.Events;

/// <summary>
/// Converts a legacy Cloud Functions background event (<c>{context:{eventId,timestamp,eventType,resource},data}</c>, or
/// the older flat <c>{eventId,timestamp,eventType,resource,data}</c>) and a raw Pub/Sub push body into the CloudEvent
/// the Functions Framework makes of it, by the rules of the conformance repository's <c>docs/mapping.md</c>: the type
/// from a fixed table, <c>source</c> = <c>//service/resource</c> (the service from the event-type prefix when the
/// event names none), and the per-service rules (Storage and Firestore split the resource into source and subject,
/// Pub/Sub wraps the data in <c>message</c>, Firebase RTDB takes its location from <c>domain</c>, Firebase Auth takes
/// its subject from the user id and renames two metadata fields). JSON is walked with <see cref="JsonNode"/> (no
/// reflection, Native AOT).
/// </summary>
internal static partial class LegacyEventConverter
{
    /// <summary>The Pub/Sub CloudEvent type.</summary>
    public const string PubSubMessagePublished = "google.cloud.pubsub.topic.v1.messagePublished";

    private const string FirebaseAuthService = "firebaseauth.googleapis.com";
    private const string FirebaseService = "firebase.googleapis.com";
    private const string FirebaseDatabaseService = "firebasedatabase.googleapis.com";
    private const string FirestoreService = "firestore.googleapis.com";
    private const string PubSubService = "pubsub.googleapis.com";
    private const string StorageService = "storage.googleapis.com";
    private const string LegacyStorageChange = "providers/cloud.storage/eventTypes/object.change";

    /// <summary>
    /// FF-dotnet's placeholder topic when a raw Pub/Sub push reaches a path that names none (<c>GcfConverters</c>).
    /// </summary>
    private const string UnknownTopic = "projects/unknown-project!/topics/unknown-topic!";

    /// <summary>Legacy event type to CloudEvent type (mapping.md; <c>object.change</c> is handled apart).</summary>
    private static readonly Dictionary<string, string> Types = new(StringComparer.Ordinal)
    {
        ["google.pubsub.topic.publish"] = PubSubMessagePublished,
        ["providers/cloud.pubsub/eventTypes/topic.publish"] = PubSubMessagePublished,
        ["google.storage.object.finalize"] = "google.cloud.storage.object.v1.finalized",
        ["google.storage.object.delete"] = "google.cloud.storage.object.v1.deleted",
        ["google.storage.object.archive"] = "google.cloud.storage.object.v1.archived",
        ["google.storage.object.metadataUpdate"] = "google.cloud.storage.object.v1.metadataUpdated",
        ["providers/cloud.firestore/eventTypes/document.write"] = "google.cloud.firestore.document.v1.written",
        ["providers/cloud.firestore/eventTypes/document.create"] = "google.cloud.firestore.document.v1.created",
        ["providers/cloud.firestore/eventTypes/document.update"] = "google.cloud.firestore.document.v1.updated",
        ["providers/cloud.firestore/eventTypes/document.delete"] = "google.cloud.firestore.document.v1.deleted",
        ["providers/firebase.auth/eventTypes/user.create"] = "google.firebase.auth.user.v1.created",
        ["providers/firebase.auth/eventTypes/user.delete"] = "google.firebase.auth.user.v1.deleted",
        ["providers/firebase.remoteConfig/remoteconfig.update"] = "google.firebase.remoteconfig.remoteConfig.v1.updated",
        ["providers/google.firebase.analytics/eventTypes/event.log"] = "google.firebase.analytics.log.v1.written",
        ["providers/google.firebase.database/eventTypes/ref.create"] = "google.firebase.database.ref.v1.created",
        ["providers/google.firebase.database/eventTypes/ref.write"] = "google.firebase.database.ref.v1.written",
        ["providers/google.firebase.database/eventTypes/ref.update"] = "google.firebase.database.ref.v1.updated",
        ["providers/google.firebase.database/eventTypes/ref.delete"] = "google.firebase.database.ref.v1.deleted",
    };

    /// <summary>
    /// The service when the event names none, by event-type prefix (mapping.md, with the CloudEvent services the
    /// conformance outputs use for Auth and RTDB, and the <c>google.pubsub</c>/<c>google.storage</c> prefixes).
    /// </summary>
    private static readonly (string Prefix, string Service)[] ServicesByPrefix =
    [
        ("providers/cloud.firestore/", FirestoreService),
        ("providers/google.firebase.analytics/", FirebaseService),
        ("providers/firebase.auth/", FirebaseAuthService),
        ("providers/google.firebase.database/", FirebaseDatabaseService),
        ("providers/firebase.remoteConfig/", "firebaseremoteconfig.googleapis.com"),
        ("providers/cloud.pubsub/", PubSubService),
        ("providers/cloud.storage/", StorageService),
        ("google.pubsub.", PubSubService),
        ("google.storage.", StorageService),
    ];

    /// <summary>Converts <paramref name="body"/> (JSON) posted to <paramref name="path"/>; on failure <paramref name="error"/> is fit for a 400.</summary>
    public static bool TryConvert(ReadOnlySpan<byte> body, string? path, [NotNullWhen(true)] out CloudEvent? cloudEvent, [NotNullWhen(false)] out string? error)
    {
        cloudEvent = null;
        JsonObject root;
        try
        {
            if (JsonNode.Parse(body) is not JsonObject parsed)
            {
                error = "The legacy event must be a JSON object.";
                return false;
            }

            root = parsed;
        }
        catch (JsonException ex)
        {
            error = $"The body is not JSON: {ex.Message}";
            return false;
        }

        try
        {
            return !root.ContainsKey("context") && root.ContainsKey("message") && root.ContainsKey("subscription")
                ? TryConvertRawPubSub(root, path, out cloudEvent, out error)
                : TryConvertBackground(root, out cloudEvent, out error);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            // JsonNode throws InvalidOperationException when a value has an unexpected kind.
            error = $"The legacy event is malformed: {ex.Message}";
            return false;
        }
    }

    private static bool TryConvertBackground(JsonObject root, [NotNullWhen(true)] out CloudEvent? cloudEvent, [NotNullWhen(false)] out string? error)
    {
        cloudEvent = null;
        var context = root["context"] as JsonObject ?? root;
        var eventType = Text(context, "eventType") ?? Text(context, "event_type");
        var eventId = Text(context, "eventId") ?? Text(context, "event_id");
        var timestamp = Text(context, "timestamp");
        if (string.IsNullOrEmpty(eventType) || string.IsNullOrEmpty(eventId))
        {
            error = "The legacy event is malformed: it needs eventType and eventId (at the top level or in context).";
            return false;
        }

        if (!root.TryGetPropertyValue("data", out var data))
        {
            error = "The legacy event has no data.";
            return false;
        }

        var type = eventType == LegacyStorageChange
            ? StorageChangeType(data)
            : Types.GetValueOrDefault(eventType);
        if (type is null)
        {
            error = $"Legacy event type '{eventType}' has no CloudEvent equivalent (docs/mapping.md).";
            return false;
        }

        string? service = null, resourceName = null;
        switch (context["resource"])
        {
            case JsonObject resource:
                service = Text(resource, "service");
                resourceName = Text(resource, "name");
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                resourceName = value.GetValue<string>();
                break;
        }

        service = string.IsNullOrEmpty(service) ? ServiceFor(eventType) : service;
        if (service is null || string.IsNullOrEmpty(resourceName))
        {
            error = service is null
                ? $"The legacy event names no service and '{eventType}' implies none."
                : "The legacy event has no resource name.";
            return false;
        }

        if (!CloudEventReader.TryParseTime(timestamp, out var time, out error))
        {
            return false;
        }

        var source = $"//{service}/{resourceName}";
        string? subject = null;
        switch (service)
        {
            case StorageService when StorageResource().Match(resourceName) is { Success: true } match:
                source = $"//{service}/{match.Groups["bucket"].Value}";
                subject = match.Groups["object"].Value;
                break;
            case FirestoreService when FirestoreResource().Match(resourceName) is { Success: true } match:
                source = $"//{service}/{match.Groups["database"].Value}";
                subject = match.Groups["document"].Value;
                break;
            case PubSubService:
                if (data is not JsonObject message)
                {
                    error = "A Pub/Sub legacy event's data must be the message object.";
                    return false;
                }

                // mapping.md: wrap in "message", copy the id and time in, do not strip @type, add no subscription.
                message.TryAdd("messageId", eventId);
                if (timestamp is not null)
                {
                    message.TryAdd("publishTime", timestamp);
                }

                root.Remove("data");
                data = new JsonObject { ["message"] = message };
                break;
            case FirebaseAuthService:
                if (data is JsonObject user)
                {
                    if (user["metadata"] is JsonObject metadata)
                    {
                        Rename(metadata, "createdAt", "createTime");
                        Rename(metadata, "lastSignedInAt", "lastSignInTime");
                    }

                    if (Text(user, "uid") is { Length: > 0 } uid)
                    {
                        subject = $"users/{uid}";
                    }
                }

                break;
            case FirebaseDatabaseService:
                if (!TryDatabaseSource(root, service, resourceName, out source, out subject, out error))
                {
                    return false;
                }

                break;
            case FirebaseService when type == Types["providers/google.firebase.analytics/eventTypes/event.log"]
                && AnalyticsResource().Match(resourceName) is { Success: true } match
                && AppId(data) is JsonValue appId && appId.GetValueKind() == JsonValueKind.String:
                var project = match.Groups["project"].Value;
                var app = appId.GetValue<string>();
                source = $"//firebaseanalytics.googleapis.com/{project}/apps/{app}";
                subject = match.Groups["event"].Value;
                break;
        }

        cloudEvent = new CloudEvent
        {
            Id = eventId,
            Source = source,
            Type = type,
            Subject = subject,
            Time = time,
            DataContentType = "application/json",
            Data = ToUtf8(data),
        };
        return true;
    }

    /// <summary>
    /// RTDB: <c>projects/_/instances/I/refs/P</c> becomes source <c>//firebasedatabase.googleapis.com/projects/_/locations/L/instances/I</c>
    /// and subject <c>refs/P</c>; the location is <c>us-central1</c> for domain <c>firebaseio.com</c>, else the domain's first label.
    /// A missing domain fails the conversion (mapping.md).
    /// </summary>
    private static bool TryDatabaseSource(JsonObject root, string service, string resourceName, out string source, out string? subject, [NotNullWhen(false)] out string? error)
    {
        source = string.Empty;
        subject = null;
        if (Text(root, "domain") is not { Length: > 0 } domain)
        {
            error = "A Firebase Realtime Database legacy event must carry its 'domain' (it gives the CloudEvent's location).";
            return false;
        }

        if (DatabaseResource().Match(resourceName) is not { Success: true } match)
        {
            error = $"Firebase Realtime Database resource '{resourceName}' is not of the form projects/_/instances/INSTANCE/refs/PATH.";
            return false;
        }

        var location = domain == "firebaseio.com" ? "us-central1" : domain.Split('.')[0];
        source = $"//{service}/projects/_/locations/{location}/{match.Groups["instance"].Value}";
        subject = match.Groups["ref"].Value;
        error = null;
        return true;
    }

    /// <summary>
    /// A raw Pub/Sub push body (<c>{message, subscription}</c>) posted to a CloudEvent function: FF-dotnet requires the
    /// message id and takes the topic from a request path <c>/projects/P/topics/T</c>, else a placeholder. The body is
    /// already the <c>messagePublished</c> data shape, so it is kept whole.
    /// </summary>
    private static bool TryConvertRawPubSub(JsonObject root, string? path, [NotNullWhen(true)] out CloudEvent? cloudEvent, [NotNullWhen(false)] out string? error)
    {
        cloudEvent = null;
        if (root["message"] is not JsonObject message || (Text(message, "messageId") ?? Text(message, "message_id")) is not { Length: > 0 } id)
        {
            error = "The Pub/Sub push body has no message.messageId.";
            return false;
        }

        if (!CloudEventReader.TryParseTime(Text(message, "publishTime") ?? Text(message, "publish_time"), out var time, out error))
        {
            return false;
        }

        var topicMatch = path is null ? null : TopicPath().Match(path);
        var topic = topicMatch is { Success: true } ? topicMatch.Value : UnknownTopic;
        cloudEvent = new CloudEvent
        {
            Id = id,
            Source = $"//{PubSubService}/{topic}",
            Type = PubSubMessagePublished,
            Time = time,
            DataContentType = "application/json",
            Data = ToUtf8(root),
        };
        return true;
    }

    /// <summary>
    /// The legacy storage change notification fires for writes and deletes alike; mapping.md has no row for it.
    /// Portable calls it finalized unless the object no longer exists (<c>resourceState: not_exists</c>), then deleted,
    /// so a deletion never reads as a new object.
    /// </summary>
    private static string StorageChangeType(JsonNode? data) =>
        data?["resourceState"] is JsonValue state && state.GetValueKind() == JsonValueKind.String && state.GetValue<string>() == "not_exists"
            ? "google.cloud.storage.object.v1.deleted"
            : "google.cloud.storage.object.v1.finalized";

    /// <summary>Analytics: the app id is at <c>userDim.appInfo.appId</c> of the data (mapping.md).</summary>
    private static JsonNode? AppId(JsonNode? data) =>
        data is JsonObject root && root["userDim"] is JsonObject userDim && userDim["appInfo"] is JsonObject appInfo ? appInfo["appId"] : null;

    private static string? ServiceFor(string eventType)
    {
        foreach (var (prefix, service) in ServicesByPrefix)
        {
            if (eventType.StartsWith(prefix, StringComparison.Ordinal))
            {
                return service;
            }
        }

        return null;
    }

    private static void Rename(JsonObject node, string from, string to)
    {
        if (node.Remove(from, out var value))
        {
            node[to] = value;
        }
    }

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static byte[] ToUtf8(JsonNode? node)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            if (node is null)
            {
                writer.WriteNullValue();
            }
            else
            {
                node.WriteTo(writer);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Bucket, then object without the <c>#generation</c> suffix (mapping.md, Cloud Storage events).</summary>
    [GeneratedRegex(@"^(?<bucket>projects/_/buckets/[^/]+)/(?<object>objects/.+?)(?:#\d+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex StorageResource();

    [GeneratedRegex(@"^(?<database>projects/[^/]+/databases/[^/]+)/(?<document>documents/.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex FirestoreResource();

    [GeneratedRegex(@"^projects/_/(?<instance>instances/[^/]+)/(?<ref>refs/.+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DatabaseResource();

    [GeneratedRegex(@"^(?<project>projects/[^/]+)/(?<event>events/[^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex AnalyticsResource();

    [GeneratedRegex(@"projects/[^/?]+/topics/[^/?]+", RegexOptions.CultureInvariant)]
    private static partial Regex TopicPath();
}
