using System.Globalization;
using System.Text;
using System.Text.Json;
using Portable.Core.Storage;

namespace Portable.Testing;

/// <summary>
/// The JSON a Lambda function receives when an object is created in S3, in both shapes: an S3 event notification
/// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html, sample
/// <c>protocols/samples/aws-s3-put.json</c>), one record per object with its key URL-encoded as S3 encodes it, and the
/// EventBridge "Object Created" event (https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html), its
/// key as it is. Fields the neutral event leaves null are left out, as S3 leaves out a version id in a bucket without
/// versioning.
/// </summary>
public static class S3Events
{
    /// <summary>An S3 event notification with one <paramref name="eventName"/> record per object, in order.</summary>
    public static byte[] Notification(IEnumerable<ObjectCreated> objects, string eventName = "ObjectCreated:Put")
    {
        ArgumentNullException.ThrowIfNull(objects);
        ArgumentException.ThrowIfNullOrEmpty(eventName);
        return PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteStartArray("Records");
            foreach (var created in objects)
            {
                WriteRecord(w, created, eventName);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    /// <summary>The EventBridge "Object Created" event S3 sends for <paramref name="created"/> (reason <c>PutObject</c>).</summary>
    public static byte[] EventBridgeObjectCreated(ObjectCreated created, string account = "123456789012", string region = "us-east-1")
    {
        ArgumentNullException.ThrowIfNull(created);
        return PayloadJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", "0");
            w.WriteString("id", Guid.NewGuid().ToString());
            w.WriteString("detail-type", "Object Created");
            w.WriteString("source", "aws.s3");
            w.WriteString("account", account);
            w.WriteString("time", (created.EventTime ?? TestClock.Start).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("region", region);
            w.WriteStartArray("resources");
            w.WriteStringValue("arn:aws:s3:::" + created.Bucket);
            w.WriteEndArray();
            w.WriteStartObject("detail");
            w.WriteString("version", "0");
            w.WriteStartObject("bucket");
            w.WriteString("name", created.Bucket);
            w.WriteEndObject();
            w.WriteStartObject("object");
            w.WriteString("key", created.Key);
            WriteOptional(w, "size", created.Size);
            WriteOptional(w, "etag", created.ETag);
            WriteOptional(w, "version-id", created.Version);
            WriteOptional(w, "sequencer", created.Sequencer);
            w.WriteEndObject();
            w.WriteString("request-id", "C3D13FE58DE4C810");
            w.WriteString("requester", account);
            w.WriteString("source-ip-address", "198.51.100.1");
            w.WriteString("reason", "PutObject");
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }

    /// <summary>
    /// An object key as S3 notifications carry it: form encoding (a space is <c>+</c>, a plus <c>%2B</c>, every byte
    /// outside the unreserved characters <c>%XX</c> of its UTF-8) except that <c>/</c> is kept as it is.
    /// </summary>
    public static string EncodeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var encoded = new StringBuilder(key.Length + 8);
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            var c = (char)b;
            if (c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '-' or '_' or '.' or '~' or '/')
            {
                encoded.Append(c);
            }
            else if (c == ' ')
            {
                encoded.Append('+');
            }
            else
            {
                encoded.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }

    private static void WriteRecord(Utf8JsonWriter w, ObjectCreated created, string eventName)
    {
        w.WriteStartObject();
        w.WriteString("eventVersion", "2.1");
        w.WriteString("eventSource", "aws:s3");
        w.WriteString("awsRegion", "us-east-1");
        w.WriteString("eventTime", (created.EventTime ?? TestClock.Start).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        w.WriteString("eventName", eventName);
        w.WriteStartObject("userIdentity");
        w.WriteString("principalId", "AWS:AIDAEXAMPLE");
        w.WriteEndObject();
        w.WriteStartObject("requestParameters");
        w.WriteString("sourceIPAddress", "198.51.100.1");
        w.WriteEndObject();
        w.WriteStartObject("responseElements");
        w.WriteString("x-amz-request-id", "C3D13FE58DE4C810");
        w.WriteString("x-amz-id-2", "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD");
        w.WriteEndObject();
        w.WriteStartObject("s3");
        w.WriteString("s3SchemaVersion", "1.0");
        w.WriteString("configurationId", "portable");
        w.WriteStartObject("bucket");
        w.WriteString("name", created.Bucket);
        w.WriteStartObject("ownerIdentity");
        w.WriteString("principalId", "A3NL1KOZZKExample");
        w.WriteEndObject();
        w.WriteString("arn", "arn:aws:s3:::" + created.Bucket);
        w.WriteEndObject();
        w.WriteStartObject("object");
        w.WriteString("key", EncodeKey(created.Key));
        WriteOptional(w, "size", created.Size);
        WriteOptional(w, "eTag", created.ETag);
        WriteOptional(w, "versionId", created.Version);
        WriteOptional(w, "sequencer", created.Sequencer);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } number)
        {
            w.WriteNumber(name, number);
        }
    }
}
