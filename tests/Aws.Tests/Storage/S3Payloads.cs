using System.Globalization;
using System.Text.Json;

namespace Portable.Aws.Tests.Storage;

/// <summary>S3 event payloads for the storage tests, in the documented shapes.</summary>
internal static class S3Payloads
{
    /// <summary>
    /// An EventBridge "Object Created" event from S3, with the fields and kinds of the example in
    /// https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html (detail version 0, PutObject; the key
    /// is carried as it is, not URL-encoded).
    /// </summary>
    public const string EventBridgeObjectCreated = """
        {
          "version": "0",
          "id": "2d4eba74-fd51-3966-4bfa-b013c9da8ff1",
          "detail-type": "Object Created",
          "source": "aws.s3",
          "account": "123456789012",
          "time": "2026-03-04T05:06:07Z",
          "region": "eu-west-1",
          "resources": ["arn:aws:s3:::uploads-123456789012"],
          "detail": {
            "version": "0",
            "bucket": { "name": "uploads-123456789012" },
            "object": {
              "key": "in/sales 2026+q1.csv",
              "size": 2048,
              "etag": "7e4a9f1c2b3d4e5f60718293a4b5c6d7",
              "version-id": "Ty8XxB1q2pQ0vG7hXh.4sEo6wJ3L9mZk",
              "sequencer": "0062E99A88DC407460"
            },
            "request-id": "57H08PA84AB1JZW0",
            "requester": "123456789012",
            "source-ip-address": "198.51.100.7",
            "reason": "PutObject"
          }
        }
        """;

    /// <summary>The <c>s3:TestEvent</c> S3 sends when a notification configuration is saved.</summary>
    public const string TestEvent = """
        {"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-03-04T05:06:07.089Z","Bucket":"uploads-123456789012","RequestId":"5582815E1AEA5ADF","HostId":"8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YN6Lt/Ng="}
        """;

    /// <summary>An S3 event notification with one record per (event name, URL-encoded key, etag), as S3 sends it.</summary>
    public static string Notification(string bucket, params (string EventName, string EncodedKey, string ETag)[] records)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            for (var i = 0; i < records.Length; i++)
            {
                var (eventName, key, etag) = records[i];
                writer.WriteStartObject();
                writer.WriteString("eventVersion", "2.1");
                writer.WriteString("eventSource", "aws:s3");
                writer.WriteString("awsRegion", "eu-west-1");
                writer.WriteString("eventTime", "2026-03-04T05:06:07.123Z");
                writer.WriteString("eventName", eventName);
                writer.WriteStartObject("s3");
                writer.WriteString("s3SchemaVersion", "1.0");
                writer.WriteString("configurationId", "csv-upload");
                writer.WriteStartObject("bucket");
                writer.WriteString("name", bucket);
                writer.WriteString("arn", "arn:aws:s3:::" + bucket);
                writer.WriteEndObject();
                writer.WriteStartObject("object");
                writer.WriteString("key", key);
                if (!eventName.StartsWith("ObjectRemoved", StringComparison.Ordinal))
                {
                    writer.WriteNumber("size", 10);
                    writer.WriteString("eTag", etag);
                }

                writer.WriteString("sequencer", (0x0062E99A88DC407460L + i).ToString("X18", CultureInfo.InvariantCulture));
                writer.WriteEndObject();
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
