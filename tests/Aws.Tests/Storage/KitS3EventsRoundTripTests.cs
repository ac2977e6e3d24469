using Portable.Aws.Events;
using Portable.Core.Functions;
using Portable.Core.Storage;
using Portable.Testing;

namespace Portable.Aws.Tests.Storage;

/// <summary>The kit's S3 payloads (Portable.Testing) read back through this adapter's mapper: the neutral event survives the trip.</summary>
public sealed class KitS3EventsRoundTripTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);

    public static TheoryData<string> Keys() =>
    [
        "in/sales.csv",
        "in/q1 sales.csv",
        "c++/notes+more (1).csv",
        "logs/hd=test/10:47:07.csv",
        "café/€ 1.csv",
        "a%2Bb/100% done?.csv",
    ];

    private static ObjectCreated Created(string key, string? version = "v1") => new()
    {
        Cloud = CloudProvider.Aws,
        Bucket = "uploads",
        Key = key,
        Version = version,
        ETag = "d41d8cd98f00b204e9800998ecf8427e",
        Size = 42,
        EventTime = At,
        Sequencer = "0062E99A88DC407460",
    };

    private static S3EventBatch Map(byte[] payload)
    {
        Assert.True(S3EventMapper.TryMap(payload, out var batch, out var error), error?.ErrorMessage);
        return batch;
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Notification_RoundTrips_KeyEncodedThenDecoded(string key)
    {
        var created = Created(key);

        Assert.Equal(created, Assert.Single(Map(S3Events.Notification([created])).Objects));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void EventBridgeObjectCreated_RoundTrips(string key)
    {
        var created = Created(key);

        Assert.Equal(created, Assert.Single(Map(S3Events.EventBridgeObjectCreated(created)).Objects));
    }

    [Fact]
    public void Notification_SeveralObjects_WithoutVersions_KeepTheirOrder()
    {
        ObjectCreated[] objects = [Created("a.csv", version: null), Created("b.csv", version: null) with { Size = null }];

        Assert.Equal(objects, Map(S3Events.Notification(objects)).Objects);
    }

    [Theory]
    [InlineData("in/q1 sales.csv", "in/q1+sales.csv")]
    [InlineData("c++.csv", "c%2B%2B.csv")]
    [InlineData("a:b=c.csv", "a%3Ab%3Dc.csv")]
    [InlineData("é.csv", "%C3%A9.csv")]
    public void EncodeKey_AsS3Does(string key, string encoded)
    {
        Assert.Equal(encoded, S3Events.EncodeKey(key));
        Assert.Equal(key, S3EventMapper.DecodeKey(encoded));
    }
}
