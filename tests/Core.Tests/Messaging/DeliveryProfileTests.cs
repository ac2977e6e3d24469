using Portable.Core.Messaging;

namespace Portable.Core.Tests.Messaging;

public sealed class DeliveryProfileTests
{
    public static TheoryData<string> Keys() => [.. DeliveryProfile.All.Select(p => p.Key)];

    private static DeliveryProfile Profile(string key) => DeliveryProfile.All.Single(p => p.Key == key);

    [Fact]
    public void All_HoldsEveryProfileOnceWithDistinctKeys()
    {
        Assert.Equal(5, DeliveryProfile.All.Count);
        Assert.Equal(DeliveryProfile.All.Count, DeliveryProfile.All.Select(p => p.Key).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(DeliveryProfile.Local, DeliveryProfile.All);
        Assert.Contains(DeliveryProfile.AwsSqs, DeliveryProfile.All);
        Assert.Contains(DeliveryProfile.AzureStorageQueue, DeliveryProfile.All);
        Assert.Contains(DeliveryProfile.AzureServiceBus, DeliveryProfile.All);
        Assert.Contains(DeliveryProfile.GcpPubSubPush, DeliveryProfile.All);
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Profile_HasSourcesAndDescriptions(string key)
    {
        var profile = Profile(key);
        Assert.Matches("^[a-z0-9-]+$", profile.Key);
        Assert.False(string.IsNullOrWhiteSpace(profile.Platform));
        Assert.False(string.IsNullOrWhiteSpace(profile.PartialBatchFailure));
        Assert.False(string.IsNullOrWhiteSpace(profile.DeadLetterTarget));
        Assert.False(string.IsNullOrWhiteSpace(profile.Ordering));
        Assert.True(profile.Sources.Length >= 20, $"{key}: Sources should say where the numbers come from.");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void Profile_NumbersArePositiveAndConsistent(string key)
    {
        var profile = Profile(key);
        Assert.InRange(profile.BatchSize, 1, profile.MaxBatchSize);
        Assert.True(profile.VisibilityTimeout > TimeSpan.Zero, $"{key}: visibility timeout");
        Assert.True(profile.MaxDeliveries is null or > 0, $"{key}: max deliveries");
        Assert.True(profile.RetryDelay >= TimeSpan.Zero, $"{key}: retry delay");
        Assert.True(profile.MaxRetryDelay >= profile.RetryDelay, $"{key}: max retry delay below the first");
        Assert.True(profile.MaxPayloadBytes > 0, $"{key}: payload limit");
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void BackoffAfter_DoublesFromRetryDelayAndIsCapped(string key)
    {
        var profile = Profile(key);
        Assert.Equal(profile.RetryDelay, profile.BackoffAfter(1));
        var previous = profile.BackoffAfter(1);
        for (var delivery = 2; delivery <= 40; delivery++)
        {
            var delay = profile.BackoffAfter(delivery);
            Assert.Equal(Min(previous * 2, profile.MaxRetryDelay), delay);
            previous = delay;
        }

        Assert.Equal(profile.MaxRetryDelay, profile.BackoffAfter(int.MaxValue));
    }

    [Theory]
    [MemberData(nameof(Keys))]
    public void BackoffAfter_ZeroOrNegativeDeliveries_IsTheFirstDelay(string key)
    {
        var profile = Profile(key);
        Assert.Equal(profile.RetryDelay, profile.BackoffAfter(0));
        Assert.Equal(profile.RetryDelay, profile.BackoffAfter(-5));
        Assert.Equal(profile.RetryDelay, profile.BackoffAfter(int.MinValue));
    }

    [Fact]
    public void BackoffAfter_Local_IsExponentialThenCappedAtFiveSeconds()
    {
        var delays = Enumerable.Range(1, 8).Select(DeliveryProfile.Local.BackoffAfter).Select(d => d.TotalMilliseconds);
        Assert.Equal([100, 200, 400, 800, 1600, 3200, 5000, 5000], delays);
    }

    [Fact]
    public void BackoffAfter_PubSub_GoesFrom10To600Seconds()
    {
        var delays = Enumerable.Range(1, 8).Select(DeliveryProfile.GcpPubSubPush.BackoffAfter).Select(d => d.TotalSeconds);
        Assert.Equal([10, 20, 40, 80, 160, 320, 600, 600], delays);
    }

    [Fact]
    public void BackoffAfter_NoRetryDelay_IsZero()
    {
        Assert.Equal(TimeSpan.Zero, DeliveryProfile.AzureStorageQueue.BackoffAfter(3));
        var custom = DeliveryProfile.Local with { RetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.FromMinutes(1) };
        Assert.Equal(TimeSpan.Zero, custom.BackoffAfter(4));
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
