using System.Text;
using Portable.Aws.Events;
using Portable.Core.Functions;
using Portable.Core.Storage;
using Portable.TestKit;

namespace Portable.Aws.Tests.Storage;

/// <summary>
/// S3's three shapes become neutral object-created events: notifications (keys URL-decoded, several records),
/// EventBridge "Object Created" (keys as they are), and the test event; anything else is refused naming the problem.
/// </summary>
public sealed class S3EventMapperTests
{
    private static S3EventBatch Map(string payload)
    {
        Assert.True(S3EventMapper.TryMap(Encoding.UTF8.GetBytes(payload), out var batch, out var error), error?.ErrorMessage);
        return batch;
    }

    private static Portable.Aws.Runtime.LambdaError Refuse(string payload)
    {
        Assert.False(S3EventMapper.TryMap(Encoding.UTF8.GetBytes(payload), out _, out var error));
        return error;
    }

    public static TheoryData<string> S3Samples() =>
        [.. Directory.GetFiles(RepoPaths.Samples, "aws-s3*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(S3Samples))]
    public void VendorSample_EveryS3Sample_Parses(string file)
    {
        var batch = Map(File.ReadAllText(Path.Combine(RepoPaths.Samples, file)));

        Assert.NotEmpty(batch.Objects);
        Assert.All(batch.Objects, o => Assert.False(string.IsNullOrEmpty(o.Bucket) || string.IsNullOrEmpty(o.Key)));
        Assert.All(batch.Objects, o => Assert.NotNull(o.DeduplicationKey));
    }

    [Fact]
    public void PutSample_BothRecords_KeysDecodedAndFieldsRead()
    {
        var batch = Map(File.ReadAllText(Path.Combine(RepoPaths.Samples, "aws-s3-put.json")));

        Assert.False(batch.IsTestEvent);
        Assert.Empty(batch.Ignored);
        Assert.Equal(["HappyFace.jpg", "New File.jpg"], batch.Objects.Select(o => o.Key));
        var second = batch.Objects[1];
        Assert.Equal(CloudProvider.Aws, second.Cloud);
        Assert.Equal("sourcebucket", second.Bucket);
        Assert.Equal("0123456789abcdef0123456789abcdef", second.ETag);
        Assert.Equal("0A1B2C3D4E5F678901", second.Sequencer);
        Assert.Equal(1024, second.Size);
        Assert.Null(second.Version);
        Assert.Null(second.ContentType);
        Assert.Equal(DateTimeOffset.UnixEpoch, second.EventTime);
        Assert.Equal("sourcebucket/New File.jpg#e:0123456789abcdef0123456789abcdef", second.DeduplicationKey);
    }

    [Theory]
    [InlineData("New+File.jpg", "New File.jpg")]
    [InlineData("c%2B%2B+notes.txt", "c++ notes.txt")]
    [InlineData("logs/hd%3Dtest/10%3A47%3A07.log", "logs/hd=test/10:47:07.log")]
    [InlineData("caf%C3%A9/%E2%82%AC+1.csv", "café/€ 1.csv")]
    [InlineData("in/a(1).csv", "in/a(1).csv")]
    public void Notification_Key_IsFormDecoded(string encoded, string key)
    {
        var batch = Map(S3Payloads.Notification("uploads", ("ObjectCreated:Put", encoded, "abc")));

        Assert.Equal(key, Assert.Single(batch.Objects).Key);
    }

    [Fact]
    public void Notification_VersionedBucket_ReadsTheVersion()
    {
        var batch = Map("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:CompleteMultipartUpload","s3":{"bucket":{"name":"uploads"},"object":{"key":"a.csv","size":"42","eTag":"\"abc-2\"","versionId":"3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"}}}]}""");

        var created = Assert.Single(batch.Objects);
        Assert.Equal(("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY", "abc-2", 42L), (created.Version, created.ETag, created.Size));
        Assert.Null(created.EventTime);
    }

    [Fact]
    public void Notification_DeletesAmongCreations_AreIgnoredWithTheReason()
    {
        var batch = Map(S3Payloads.Notification("uploads", ("ObjectRemoved:Delete", "old.csv", ""), ("ObjectCreated:Copy", "new.csv", "abc")));

        Assert.Equal("new.csv", Assert.Single(batch.Objects).Key);
        Assert.Contains("ObjectRemoved:Delete", Assert.Single(batch.Ignored), StringComparison.Ordinal);
    }

    [Fact]
    public void EventBridgeObjectCreated_FromTheDocs_KeyTakenAsItIs()
    {
        var batch = Map(S3Payloads.EventBridgeObjectCreated);

        var created = Assert.Single(batch.Objects);
        Assert.Equal(CloudProvider.Aws, created.Cloud);
        Assert.Equal(("uploads-123456789012", "in/sales 2026+q1.csv"), (created.Bucket, created.Key)); // the + stays a plus
        Assert.Equal("Ty8XxB1q2pQ0vG7hXh.4sEo6wJ3L9mZk", created.Version);
        Assert.Equal("7e4a9f1c2b3d4e5f60718293a4b5c6d7", created.ETag);
        Assert.Equal(2048, created.Size);
        Assert.Equal("0062E99A88DC407460", created.Sequencer);
        Assert.Equal(new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero), created.EventTime);
    }

    [Fact]
    public void EventBridgeObjectDeleted_IsIgnored()
    {
        var batch = Map(S3Payloads.EventBridgeObjectCreated.Replace("\"Object Created\"", "\"Object Deleted\"", StringComparison.Ordinal));

        Assert.Empty(batch.Objects);
        Assert.Contains("Object Deleted", Assert.Single(batch.Ignored), StringComparison.Ordinal);
    }

    [Fact]
    public void TestEvent_IsRecognised()
    {
        var batch = Map(S3Payloads.TestEvent);

        Assert.True(batch.IsTestEvent);
        Assert.Empty(batch.Objects);
    }

    [Theory]
    [InlineData("aws-sqs-event.json", "Records[0].eventSource is \"aws:sqs\"")]
    [InlineData("aws-eventbridge-event.json", "source is \"aws.ec2\"")]
    [InlineData("aws-eventbridge-scheduled.json", "source is \"aws.events\"")]
    [InlineData("aws-apigw-v2-request.json", "neither Records nor an EventBridge source")]
    public void OtherVendorSamples_AreRefusedAsUnsupported(string file, string expected)
    {
        var error = Refuse(File.ReadAllText(Path.Combine(RepoPaths.Samples, file)));

        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, error.ErrorType);
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not an S3 event")]
    [InlineData("[1,2]", "not an S3 event")]
    [InlineData("null", "JSON null")]
    [InlineData("""{"Records":[]}""", "empty Records")]
    [InlineData("""{"Records":"many"}""", "not an S3 event")]
    public void NotAnS3Event_IsRefusedAsUnsupported(string payload, string expected)
    {
        var error = Refuse(payload);

        Assert.Equal(ApiGatewayRequestMapper.UnsupportedEventType, error.ErrorType);
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Records":[null]}""", "Records[0] is null")]
    [InlineData("""{"Records":[{"eventSource":"aws:s3","s3":{}}]}""", "Records[0] has no eventName")]
    [InlineData("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"object":{"key":"a"}}}]}""", "no s3.bucket.name")]
    [InlineData("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"b"},"object":{"key":""}}}]}""", "no s3.object.key")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","detail":{"object":{"key":"a"}}}""", "no detail.bucket.name")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"b"}}}""", "no detail.object.key")]
    public void S3EventMissingWhatAnObjectNeeds_IsRefusedAsInvalid(string payload, string expected)
    {
        var error = Refuse(payload);

        Assert.Equal(ApiGatewayRequestMapper.InvalidEventType, error.ErrorType);
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void SameUpload_DirectAndThroughEventBridge_HaveOneDeduplicationKey()
    {
        var direct = Assert.Single(Map("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"uploads"},"object":{"key":"in/a+b.csv","eTag":"abc","versionId":"v7","sequencer":"0A"}}}]}""").Objects);
        var routed = Assert.Single(Map("""{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"uploads"},"object":{"key":"in/a b.csv","etag":"abc","version-id":"v7","sequencer":"0A"}}}""").Objects);

        Assert.Equal(direct.DeduplicationKey, routed.DeduplicationKey);
    }

    [Fact]
    public void VersionIdNull_WrittenWhileVersioningWasOff_IsNoVersion_SoTheETagKeysTheUpload()
    {
        var direct = Assert.Single(Map("""{"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:Put","s3":{"bucket":{"name":"uploads"},"object":{"key":"a.csv","eTag":"abc","versionId":"null"}}}]}""").Objects);
        var routed = Assert.Single(Map("""{"source":"aws.s3","detail-type":"Object Created","detail":{"bucket":{"name":"uploads"},"object":{"key":"a.csv","etag":"abc","version-id":"null"}}}""").Objects);

        Assert.Null(direct.Version);
        Assert.Null(routed.Version);
        Assert.Equal("uploads/a.csv#e:abc", direct.DeduplicationKey);
    }
}
