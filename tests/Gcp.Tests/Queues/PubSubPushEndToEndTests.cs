using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Messaging;
using Portable.Gcp.Tests.Events;
using Portable.Emulators.Gcp;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Queues;

/// <summary>
/// The ledger pattern on the real Portable.Gcp process, fed by the Pub/Sub push emulator: the host publishes its
/// dead letters back into the emulator through <c>PUBSUB_EMULATOR_HOST</c>, as it would into Pub/Sub.
/// </summary>
public sealed class PubSubPushEndToEndTests
{
    private const string Topic = "payments";
    private const string DeadLetterTopic = "payments-dead-letter";

    [Fact]
    public async Task Poison_IsDeadLetteredOnceWithTheReasonAndAcked()
    {
        await using var world = await World.StartAsync();

        world.Emulator.Publish(Topic, Encoding.UTF8.GetBytes(PubSubPushEndpointTests.Payment("p-bad", "acc-poison", -5m)));
        var first = Assert.Single(await world.Emulator.DeliverDueAsync());
        world.Time.Advance(TimeSpan.FromHours(1));
        var later = await world.Emulator.DeliverDueAsync();

        Assert.Equal(PushOutcome.Acked, first.Outcome);
        Assert.Equal(204, first.StatusCode);
        Assert.Empty(later);
        var dead = Assert.Single(world.Emulator.Messages(DeadLetterTopic));
        Assert.Equal("Invalid payment: amount must be greater than 0.", dead.Attributes[PublishingDeadLetterSink.ReasonAttribute]);
        Assert.Equal(first.MessageId, dead.Attributes[PublishingDeadLetterSink.OriginalIdAttribute]);
        Assert.Equal(Topic, dead.Attributes[PublishingDeadLetterSink.SourceAttribute]);
        Assert.Equal("1", dead.Attributes[PublishingDeadLetterSink.DeliveryCountAttribute]);
        Assert.Equal(HttpStatusCode.NotFound, (await world.Client.GetAsync("/accounts/acc-poison")).StatusCode);
    }

    [Fact]
    public async Task Duplicate_SamePaymentPublishedTwice_HasOneEffect()
    {
        await using var world = await World.StartAsync();
        var payment = Encoding.UTF8.GetBytes(PubSubPushEndpointTests.Payment("p-dup", "acc-dup", 25m));

        world.Emulator.Publish(Topic, payment);
        world.Emulator.Publish(Topic, payment);
        var attempts = await world.Emulator.DeliverDueAsync();

        Assert.Equal(2, attempts.Count);
        Assert.All(attempts, a => Assert.Equal(PushOutcome.Acked, a.Outcome));
        Assert.NotEqual(attempts[0].MessageId, attempts[1].MessageId);
        await PubSubPushEndpointTests.AssertBalanceAsync(world.Client, "acc-dup", 25m, 1);
        Assert.Empty(world.Emulator.Messages(DeadLetterTopic));
    }

    [Fact]
    public async Task Transient_HostNotYetListening_IsRetriedAfterBackoffAndApplied()
    {
        var port = FreePort.Next();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = await World.StartEmulatorAsync(port, time);
        emulator.Publish(Topic, Encoding.UTF8.GetBytes(PubSubPushEndpointTests.Payment("p-late", "acc-late", 7.25m)));

        // Cold start: nothing listens yet, so the push fails and counts as a nack.
        var refused = Assert.Single(await emulator.DeliverDueAsync());
        Assert.Equal(PushOutcome.Nacked, refused.Outcome);
        Assert.Null(refused.StatusCode);

        await using var host = await World.StartHostAsync(port, emulator);
        using var client = host.CreateClient();
        Assert.Empty(await emulator.DeliverDueAsync());
        time.Advance(DeliveryProfile.GcpPubSubPush.RetryDelay);
        var retried = Assert.Single(await emulator.DeliverDueAsync());

        Assert.Equal(PushOutcome.Acked, retried.Outcome);
        Assert.Equal(2, retried.DeliveryAttempt);
        await PubSubPushEndpointTests.AssertBalanceAsync(client, "acc-late", 7.25m, 1);
    }

    [Fact]
    public async Task AttributesOnly_EmptyBody_IsDeadLetteredByTheHostWithItsReason()
    {
        await using var world = await World.StartAsync();
        // Valid for Pub/Sub (attributes, no data), but the ledger cannot read an empty body: a permanent failure.
        world.Emulator.Publish(Topic, ReadOnlyMemory<byte>.Empty, new Dictionary<string, string> { ["kind"] = "ping" });

        var attempt = Assert.Single(await world.Emulator.DeliverDueAsync());

        Assert.Equal(PushOutcome.Acked, attempt.Outcome);
        var dead = Assert.Single(world.Emulator.Messages(DeadLetterTopic));
        Assert.Contains("not valid JSON", dead.Attributes[PublishingDeadLetterSink.ReasonAttribute], StringComparison.Ordinal);
        Assert.Equal("ping", dead.Attributes["kind"]);
    }

    [Fact]
    public async Task Poison_WhenTheHostCannotDeadLetter_IsNackedThenForwardedByPubSubAfterFiveAttempts()
    {
        var port = FreePort.Next();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        await using var emulator = await World.StartEmulatorAsync(port, time);
        // The host's own dead-letter publish goes to a closed port, so it must nack (500) every delivery.
        await using var host = await GcpHostProcess.StartReadyOnPortAsync(port, ("PUBSUB_EMULATOR_HOST", $"127.0.0.1:{FreePort.Next()}"), ("GOOGLE_CLOUD_PROJECT", "local-project"));
        emulator.Publish(Topic, "not json"u8.ToArray());

        for (var i = 0; i < 5; i++)
        {
            Assert.Single(await emulator.DeliverDueAsync());
            time.Advance(DeliveryProfile.GcpPubSubPush.MaxRetryDelay);
        }

        Assert.Equal([500, 500, 500, 500, 500], emulator.Attempts.Select(a => a.StatusCode ?? 0));
        Assert.Equal([1, 2, 3, 4, 5], emulator.Attempts.Select(a => a.DeliveryAttempt));
        Assert.Equal(PushOutcome.DeadLettered, emulator.Attempts[^1].Outcome);
        var dead = Assert.Single(emulator.Messages(DeadLetterTopic));
        Assert.Equal("5", dead.Attributes[PubSubPushEmulator.DeadLetterDeliveryCountAttribute]);
        Assert.Equal(0, emulator.PendingCount);
    }

    /// <summary>An emulator with the host as its push endpoint, on a fake clock, and an HTTP client for the host.</summary>
    private sealed class World : IAsyncDisposable
    {
        private World(FakeTimeProvider time, PubSubPushEmulator emulator, GcpHostProcess host)
        {
            Time = time;
            Emulator = emulator;
            Host = host;
            Client = host.CreateClient();
        }

        public FakeTimeProvider Time { get; }

        public PubSubPushEmulator Emulator { get; }

        public GcpHostProcess Host { get; }

        public HttpClient Client { get; }

        public static async Task<World> StartAsync()
        {
            var port = FreePort.Next();
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
            var emulator = await StartEmulatorAsync(port, time);
            try
            {
                return new World(time, emulator, await StartHostAsync(port, emulator));
            }
            catch
            {
                await emulator.DisposeAsync();
                throw;
            }
        }

        public static Task<PubSubPushEmulator> StartEmulatorAsync(int hostPort, TimeProvider time) =>
            PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
            {
                Topic = Topic,
                PushEndpoint = new Uri($"http://127.0.0.1:{hostPort}/ledger-writer"),
                DeadLetterTopic = DeadLetterTopic,
                TimeProvider = time,
            });

        public static Task<GcpHostProcess> StartHostAsync(int port, PubSubPushEmulator emulator) =>
            GcpHostProcess.StartReadyOnPortAsync(port, ("PUBSUB_EMULATOR_HOST", emulator.EmulatorHost), ("GOOGLE_CLOUD_PROJECT", "local-project"));

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await Host.DisposeAsync();
            await Emulator.DisposeAsync();
        }
    }
}
