using System.Net;
using System.Text.Json;
using Portable.Aws.Runtime;
using Portable.Core.Functions;
using Portable.Core.Storage;

namespace Portable.Aws.Events;

/// <summary>
/// Step 2 for storage functions on AWS: turns what S3 sends into neutral <see cref="ObjectCreated"/> events. Three shapes:
/// <list type="bullet">
/// <item>an S3 event notification (<c>Records[].eventSource == "aws:s3"</c>, one or more records): each
/// <c>ObjectCreated:*</c> record becomes an event, its key URL-decoded (S3 form-encodes it: <c>New+File.jpg</c> is
/// "New File.jpg", <c>%2B</c> a plus); other event names (deletes, restores) are ignored with the reason;</item>
/// <item>an EventBridge event from S3 (<c>source: aws.s3</c>, <c>detail-type: Object Created</c>): the
/// <c>detail.object</c> becomes one event, its key taken as it is (EventBridge does not encode it); other S3 detail
/// types are ignored;</item>
/// <item>the <c>s3:TestEvent</c> S3 sends when a notification configuration is saved: nothing to run.</item>
/// </list>
/// Parsing uses a source-generated context only (AOT-safe). Anything else is refused with a Lambda error saying what
/// was wrong.
/// </summary>
public static class S3EventMapper
{
    /// <summary>The <c>eventSource</c> of every S3 notification record.</summary>
    public const string EventSource = "aws:s3";

    /// <summary>The EventBridge <c>source</c> of S3's events.</summary>
    public const string EventBridgeSource = "aws.s3";

    /// <summary>The EventBridge <c>detail-type</c> of an object creation.</summary>
    public const string ObjectCreatedDetailType = "Object Created";

    private const string Accepts = "this function accepts S3 event notifications (Records[].eventSource \"aws:s3\") and EventBridge \"Object Created\" events from S3";

    /// <summary>
    /// Maps <paramref name="payload"/>. On failure <paramref name="error"/> is what to post to <c>/error</c>:
    /// <see cref="ApiGatewayRequestMapper.UnsupportedEventType"/> for an event that is not from S3,
    /// <see cref="ApiGatewayRequestMapper.InvalidEventType"/> for an S3 event missing what an object needs.
    /// </summary>
    public static bool TryMap(ReadOnlyMemory<byte> payload, out S3EventBatch batch, out LambdaError error)
    {
        batch = null!;
        error = null!;
        S3Notification? notification;
        try
        {
            notification = JsonSerializer.Deserialize(payload.Span, S3JsonContext.Default.S3Notification);
        }
        catch (JsonException ex)
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The event is not an S3 event ({ex.Message}); {Accepts}.");
            return false;
        }

        if (notification is null)
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The event is JSON null; {Accepts}.");
            return false;
        }

        if (notification.Records is { } records)
        {
            return TryMapRecords(records, out batch, out error);
        }

        if (notification.Source is not null || notification.DetailType is not null)
        {
            return TryMapEventBridge(notification, out batch, out error);
        }

        if (string.Equals(notification.Event, "s3:TestEvent", StringComparison.Ordinal))
        {
            batch = new S3EventBatch([], [], IsTestEvent: true);
            return true;
        }

        error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The event has neither Records nor an EventBridge source; {Accepts}.");
        return false;
    }

    /// <summary>Decodes an S3 notification's object key: form encoding, so <c>+</c> is a space and <c>%XX</c> a UTF-8 byte.</summary>
    public static string DecodeKey(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        return WebUtility.UrlDecode(encoded);
    }

    private static bool TryMapRecords(List<S3NotificationRecord?> records, out S3EventBatch batch, out LambdaError error)
    {
        batch = null!;
        error = null!;
        if (records.Count == 0)
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The event has an empty Records list; {Accepts}.");
            return false;
        }

        var objects = new List<ObjectCreated>(records.Count);
        var ignored = new List<string>();
        for (var i = 0; i < records.Count; i++)
        {
            if (records[i] is not { } record)
            {
                error = Invalid($"Records[{i}] is null");
                return false;
            }

            if (!string.Equals(record.EventSource, EventSource, StringComparison.Ordinal))
            {
                error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"Records[{i}].eventSource is {Quote(record.EventSource)}, not \"aws:s3\"; {Accepts}.");
                return false;
            }

            if (record.EventName is not { Length: > 0 } eventName)
            {
                error = Invalid($"Records[{i}] has no eventName");
                return false;
            }

            // A notification configuration names s3:ObjectCreated:*; its records carry the names without the "s3:".
            if (!eventName.StartsWith("ObjectCreated:", StringComparison.Ordinal))
            {
                ignored.Add($"Records[{i}] is {eventName}, not an ObjectCreated event");
                continue;
            }

            if (record.S3?.Bucket?.Name is not { Length: > 0 } bucket)
            {
                error = Invalid($"Records[{i}] ({eventName}) has no s3.bucket.name");
                return false;
            }

            if (record.S3.Object?.Key is not { Length: > 0 } encodedKey)
            {
                error = Invalid($"Records[{i}] ({eventName}) in bucket {bucket} has no s3.object.key");
                return false;
            }

            var item = record.S3.Object;
            objects.Add(new ObjectCreated
            {
                Cloud = CloudProvider.Aws,
                Bucket = bucket,
                Key = DecodeKey(encodedKey),
                Version = VersionOf(item.VersionId),
                ETag = item.ETag?.Trim('"'),
                Size = item.Size,
                EventTime = record.EventTime,
                Sequencer = item.Sequencer,
            });
        }

        batch = new S3EventBatch(objects, ignored, IsTestEvent: false);
        return true;
    }

    private static bool TryMapEventBridge(S3Notification notification, out S3EventBatch batch, out LambdaError error)
    {
        batch = null!;
        error = null!;
        if (!string.Equals(notification.Source, EventBridgeSource, StringComparison.Ordinal))
        {
            error = new LambdaError(ApiGatewayRequestMapper.UnsupportedEventType, $"The EventBridge event's source is {Quote(notification.Source)}, not \"aws.s3\"; {Accepts}.");
            return false;
        }

        if (!string.Equals(notification.DetailType, ObjectCreatedDetailType, StringComparison.Ordinal))
        {
            batch = new S3EventBatch([], [$"The EventBridge event is {Quote(notification.DetailType)}, not \"Object Created\""], IsTestEvent: false);
            return true;
        }

        if (notification.Detail?.Bucket?.Name is not { Length: > 0 } bucket)
        {
            error = Invalid("the EventBridge \"Object Created\" event has no detail.bucket.name");
            return false;
        }

        if (notification.Detail.Object?.Key is not { Length: > 0 } key)
        {
            error = Invalid($"the EventBridge \"Object Created\" event for bucket {bucket} has no detail.object.key");
            return false;
        }

        var item = notification.Detail.Object;
        var created = new ObjectCreated
        {
            Cloud = CloudProvider.Aws,
            Bucket = bucket,
            Key = key,
            Version = VersionOf(item.VersionId),
            ETag = item.ETag?.Trim('"'),
            Size = item.Size,
            EventTime = notification.Time,
            Sequencer = item.Sequencer,
        };
        batch = new S3EventBatch([created], [], IsTestEvent: false);
        return true;
    }

    private static LambdaError Invalid(string problem) =>
        new(ApiGatewayRequestMapper.InvalidEventType, $"The S3 event is malformed: {problem}.");

    private static string Quote(string? value) => value is null ? "missing" : $"\"{value}\"";

    // S3 reports the version id "null" for an object written while the bucket's versioning was off: that is no version.
    private static string? VersionOf(string? versionId) =>
        versionId is { Length: > 0 } && !string.Equals(versionId, "null", StringComparison.Ordinal) ? versionId : null;
}
