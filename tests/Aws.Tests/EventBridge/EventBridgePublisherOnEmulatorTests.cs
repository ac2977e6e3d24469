using System.Text.Json;
using Amazon.Runtime;
using Portable.Aws.EventBridge;
using Portable.Core.Events;
using Portable.Emulators.Aws;

namespace Portable.Aws.Tests.EventBridge;

/// <summary>
/// The publisher against the EventBridge emulator, which knows the key's secret and recomputes every signature with
/// its own SigV4 implementation (written from the AWS documentation): AWSSDK.Core's signer, as the publisher drives
/// it, must produce what AWS would accept.
/// </summary>
public sealed class EventBridgePublisherOnEmulatorTests : IAsyncLifetime
{
    private EventBridgeEmulator _bus = null!;

    public async Task InitializeAsync() =>
        _bus = await EventBridgeEmulator.StartAsync(new EventBridgeEmulatorOptions
        {
            Credentials = new Dictionary<string, string> { ["AKIDEXAMPLE"] = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ["ASIAEXAMPLE"] = "temporary-secret" },
        });

    public async Task DisposeAsync() => await _bus.DisposeAsync();

    private EventBridgePublisher Publisher(AWSCredentials credentials) => new(
        new EventBridgePublisherOptions { ServiceUrl = _bus.ServiceUrl, Region = "us-east-1", Credentials = credentials, EntryRetryDelay = TimeSpan.Zero },
        TimeProvider.System);

    private static PortableEvent Event(string id, string detail = """{"orderId": "o-1"}""") => new()
    {
        Id = id,
        Source = "orders",
        DetailType = "order.placed",
        Time = DateTimeOffset.FromUnixTimeSeconds(1796025600),
        Detail = JsonDocument.Parse(detail).RootElement.Clone(),
        Resources = ["arn:aws:dynamodb:us-east-1:123456789012:table/orders"],
    };

    [Fact]
    public async Task PublishAsync_LongTermKey_SignatureVerifiedAndEventsAcceptedAsSent()
    {
        using var publisher = Publisher(new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

        var ids = await publisher.PublishAsync([Event("a"), Event("b", """{"orderId": "o-2", "lines": [1, 2]}""")]);

        Assert.Equal(ids, _bus.Events.Select(e => e.Id));
        var second = _bus.Events[1];
        Assert.Equal(("orders", "order.placed"), (second.Source, second.DetailType));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1796025600), second.Time);
        Assert.Equal(["arn:aws:dynamodb:us-east-1:123456789012:table/orders"], second.Resources);
        Assert.Equal("""{"orderId": "o-2", "lines": [1, 2]}""", second.Detail.GetRawText());
        Assert.Contains("Credential=AKIDEXAMPLE/", Assert.Single(_bus.Authorizations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_TemporaryCredentials_SignatureOverTheTokenVerified()
    {
        using var publisher = Publisher(new SessionAWSCredentials("ASIAEXAMPLE", "temporary-secret", "session-token"));

        await publisher.PublishAsync(Event("a"));

        Assert.Single(_bus.Events);
        Assert.Contains("x-amz-security-token", Assert.Single(_bus.Authorizations), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_WrongSecret_RefusedByTheVerifierAndNotTransient()
    {
        using var publisher = Publisher(new BasicAWSCredentials("AKIDEXAMPLE", "not-the-secret"));

        var refused = await Assert.ThrowsAsync<EventBridgePublishException>(() => publisher.PublishAsync(Event("a")).AsTask());

        Assert.StartsWith("EventBridge answered PutEvents with 400 InvalidSignatureException", refused.Message, StringComparison.Ordinal);
        Assert.Empty(_bus.Events);
    }

    [Fact]
    public async Task PublishAsync_EmulatorThrottlesTwoEntries_ThePublisherPutsThemAgainAndEveryEventArrivesOnce()
    {
        _bus.FailNextEntries(2);
        using var publisher = Publisher(new BasicAWSCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"));

        var ids = await publisher.PublishAsync([Event("a", """{"n": 1}"""), Event("b", """{"n": 2}"""), Event("c", """{"n": 3}""")]);

        Assert.Equal(3, _bus.Events.Count);
        Assert.Equal([1, 2, 3], ids.Select(id => _bus.Events.Single(e => e.Id == id).Detail.GetProperty("n").GetInt32()));
        Assert.Equal(2, _bus.Authorizations.Count);
    }
}
