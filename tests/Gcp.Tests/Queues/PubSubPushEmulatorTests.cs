using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portable.Engines;
using Portable.Gcp.Events;
using Portable.Gcp.Messaging;
using Portable.Emulators.Gcp;

namespace Portable.Gcp.Tests.Queues;

/// <summary>The push emulator against a loopback recorder standing in for the push endpoint; time is fake.</summary>
public sealed class PubSubPushEmulatorTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task DeliverDueAsync_Published_PushesTheWrappedEnvelopeAndAcksOn204()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(204, "text/plain", string.Empty));
        var time = new FakeTimeProvider(Start);
        await using var emulator = await StartAsync(endpoint, time);

        var id = emulator.Publish("payments", "hello"u8.ToArray(), new Dictionary<string, string> { ["k"] = "v" }, "key-1");
        var attempts = await emulator.DeliverDueAsync();

        var attempt = Assert.Single(attempts);
        Assert.Equal(new PushAttempt(id, 1, 204, PushOutcome.Acked, null, Start) { Subscription = "projects/local-project/subscriptions/payments-push" }, attempt);
        Assert.Equal(0, emulator.PendingCount);
        var request = Assert.Single(endpoint.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/push/ledger-writer", request.PathAndQuery);
        Assert.StartsWith("application/json", request.Headers["Content-Type"], StringComparison.Ordinal);
        using var body = JsonDocument.Parse(request.Body);
        var message = body.RootElement.GetProperty("message");
        Assert.Equal("aGVsbG8=", message.GetProperty("data").GetString());
        Assert.Equal("v", message.GetProperty("attributes").GetProperty("k").GetString());
        Assert.Equal(id, message.GetProperty("messageId").GetString());
        Assert.Equal(id, message.GetProperty("message_id").GetString());
        Assert.Equal("2026-03-01T12:00:00.000Z", message.GetProperty("publishTime").GetString());
        Assert.Equal("2026-03-01T12:00:00.000Z", message.GetProperty("publish_time").GetString());
        Assert.Equal("key-1", message.GetProperty("orderingKey").GetString());
        Assert.Equal("projects/local-project/subscriptions/payments-push", body.RootElement.GetProperty("subscription").GetString());
        Assert.Equal(1, body.RootElement.GetProperty("deliveryAttempt").GetInt32());
    }

    [Fact]
    public async Task DeliverDueAsync_EventarcFormat_MoreSubscriptions_PushesABinaryCloudEventToEach()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(204, "text/plain", string.Empty));
        await using var emulator = await PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = "portable-events",
            Subscription = "eventarc-first",
            PushEndpoint = new Uri(endpoint.BaseUri, "_portable/events/first"),
            Format = PushFormat.EventarcBinary,
            TimeProvider = new FakeTimeProvider(Start),
        });
        emulator.AddPushSubscription("eventarc-second", new Uri(endpoint.BaseUri, "_portable/events/second"));

        var id = emulator.Publish("portable-events", "{\"a\":1}"u8.ToArray(), new Dictionary<string, string> { ["source"] = "orders" });
        var attempts = await emulator.DeliverDueAsync();

        Assert.Equal(
            [("projects/local-project/subscriptions/eventarc-first", PushOutcome.Acked), ("projects/local-project/subscriptions/eventarc-second", PushOutcome.Acked)],
            attempts.Select(a => (a.Subscription, a.Outcome)));
        Assert.Equal(["/_portable/events/first", "/_portable/events/second"], endpoint.Requests.Select(r => r.PathAndQuery));
        foreach (var request in endpoint.Requests)
        {
            Assert.Equal("1.0", request.Headers["ce-specversion"]);
            Assert.Equal(id, request.Headers["ce-id"]);
            Assert.Equal("google.cloud.pubsub.topic.v1.messagePublished", request.Headers["ce-type"]);
            Assert.Equal("//pubsub.googleapis.com/projects/local-project/topics/portable-events", request.Headers["ce-source"]);
            Assert.Equal("2026-03-01T12:00:00.000Z", request.Headers["ce-time"]);
            using var body = JsonDocument.Parse(request.Body);
            Assert.Equal(id, body.RootElement.GetProperty("message").GetProperty("messageId").GetString());
            Assert.False(body.RootElement.TryGetProperty("deliveryAttempt", out _)); // no dead-letter policy
        }

        Assert.EndsWith("eventarc-second", JsonDocument.Parse(endpoint.Requests[1].Body).RootElement.GetProperty("subscription").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildEnvelope_IsReadByTheCloudRunHostsReader()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(204, "text/plain", string.Empty));
        await using var emulator = await StartAsync(endpoint, new FakeTimeProvider(Start));
        emulator.Publish("payments", "{\"a\":1}"u8.ToArray(), orderingKey: "o");
        var published = emulator.Messages("payments").Single();

        Assert.True(PubSubPushReader.TryRead("application/json", _ => null, emulator.BuildEnvelope(published, 3), "payments", out var delivery, out var error), error);

        Assert.Equal(published.MessageId, delivery.Message.Id);
        Assert.Equal(3, delivery.Message.DeliveryCount);
        Assert.Equal("o", delivery.Message.OrderingKey);
        Assert.Equal(Start, delivery.Message.EnqueuedAt);
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(delivery.Message.Body.Span));
    }

    [Fact]
    public async Task DeliverDueAsync_AlwaysNacked_BacksOffExponentiallyThenDeadLettersAfterFiveAttempts()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(500, "application/json", "{\"error\":\"boom\"}"));
        var time = new FakeTimeProvider(Start);
        await using var emulator = await StartAsync(endpoint, time);
        var id = emulator.Publish("payments", "x"u8.ToArray(), new Dictionary<string, string> { ["origin"] = "test" });

        // Backoff 10, 20, 40, 80 s after the 1st..4th nack (minimumBackoff 10 s doubling, DeliveryProfile.GcpPubSubPush).
        var delays = new[] { 10, 20, 40, 80 };
        Assert.Equal(PushOutcome.Nacked, Assert.Single(await emulator.DeliverDueAsync()).Outcome);
        foreach (var delay in delays)
        {
            Assert.Equal(Start.AddSeconds(delays.TakeWhile(d => d != delay).Sum() + delay), emulator.NextDueAt);
            time.Advance(TimeSpan.FromSeconds(delay) - TimeSpan.FromMilliseconds(1));
            Assert.Empty(await emulator.DeliverDueAsync());
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Single(await emulator.DeliverDueAsync());
        }

        Assert.Equal([1, 2, 3, 4, 5], emulator.Attempts.Select(a => a.DeliveryAttempt));
        Assert.Equal([1, 2, 3, 4, 5], endpoint.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("deliveryAttempt").GetInt32()));
        Assert.Equal(PushOutcome.DeadLettered, emulator.Attempts[^1].Outcome);
        Assert.Equal(0, emulator.PendingCount);
        var dead = Assert.Single(emulator.Messages("payments-dead-letter"));
        Assert.Equal("x", Encoding.UTF8.GetString(dead.Data));
        Assert.Equal("test", dead.Attributes["origin"]);
        Assert.Equal("5", dead.Attributes[PubSubPushEmulator.DeadLetterDeliveryCountAttribute]);
        Assert.Equal("payments-push", dead.Attributes[PubSubPushEmulator.DeadLetterSubscriptionAttribute]);
        Assert.NotEqual(id, dead.MessageId);

        time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await emulator.DeliverDueAsync());
    }

    [Fact]
    public async Task DeliverDueAsync_ManyNacks_BackoffIsCappedAtTheMaximum()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(503, "text/plain", "busy"));
        var time = new FakeTimeProvider(Start);
        await using var emulator = await StartAsync(endpoint, time, maxDeliveryAttempts: 20);
        emulator.Publish("payments", "x"u8.ToArray());

        var gaps = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            await emulator.DeliverDueAsync();
            var gap = emulator.NextDueAt!.Value - time.GetUtcNow();
            gaps.Add(gap);
            time.Advance(gap);
        }

        Assert.Equal([10, 20, 40, 80, 160, 320, 600, 600], gaps.Select(g => g.TotalSeconds));
    }

    [Fact]
    public async Task DeliverDueAsync_EndpointDown_NacksAndRetries()
    {
        var closedPort = Portable.TestKit.FreePort.Next();
        var time = new FakeTimeProvider(Start);
        await using var emulator = await PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = "payments",
            PushEndpoint = new Uri($"http://127.0.0.1:{closedPort}/"),
            DeadLetterTopic = "payments-dead-letter",
            TimeProvider = time,
        });
        emulator.Publish("payments", "x"u8.ToArray());

        var attempt = Assert.Single(await emulator.DeliverDueAsync());

        Assert.Equal(PushOutcome.Nacked, attempt.Outcome);
        Assert.Null(attempt.StatusCode);
        Assert.NotNull(attempt.Error);
        Assert.Equal(1, emulator.PendingCount);
    }

    [Fact]
    public async Task DeliverDueAsync_NoDeadLetterPolicy_SendsNoDeliveryAttemptAndNeverGivesUp()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(400, "text/plain", "bad"));
        var time = new FakeTimeProvider(Start);
        await using var emulator = await PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = "payments",
            PushEndpoint = new Uri(endpoint.BaseUri, "push"),
            TimeProvider = time,
        });
        emulator.Publish("payments", "x"u8.ToArray());

        for (var i = 0; i < 7; i++)
        {
            await emulator.DeliverDueAsync();
            time.Advance(TimeSpan.FromSeconds(600));
        }

        Assert.Equal(7, endpoint.Requests.Count);
        Assert.All(endpoint.Requests, r => Assert.False(JsonDocument.Parse(r.Body).RootElement.TryGetProperty("deliveryAttempt", out _)));
        Assert.All(emulator.Attempts, a => Assert.Equal(PushOutcome.Nacked, a.Outcome));
        Assert.Equal(1, emulator.PendingCount);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(201)]
    [InlineData(202)]
    public async Task DeliverDueAsync_Other2xxAckCodes_Ack(int status)
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(status, "text/plain", string.Empty));
        await using var emulator = await StartAsync(endpoint, new FakeTimeProvider(Start));
        emulator.Publish("payments", "x"u8.ToArray());

        Assert.Equal(PushOutcome.Acked, Assert.Single(await emulator.DeliverDueAsync()).Outcome);
    }

    [Fact]
    public async Task DeliverDueAsync_203IsNotAnAckCode_Nacks()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(203, "text/plain", string.Empty));
        await using var emulator = await StartAsync(endpoint, new FakeTimeProvider(Start));
        emulator.Publish("payments", "x"u8.ToArray());

        Assert.Equal(PushOutcome.Nacked, Assert.Single(await emulator.DeliverDueAsync()).Outcome);
    }

    [Fact]
    public async Task RestPublish_FromTheCloudRunPublisher_QueuesTheMessageForPush()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(204, "text/plain", string.Empty));
        await using var emulator = await StartAsync(endpoint, new FakeTimeProvider(Start));
        using var http = new HttpClient();
        using var metadata = new MetadataServer(http, TimeProvider.System, "127.0.0.1:1");
        var publisher = new PubSubPublisher(http, PubSubPublisherOptions.From(new Core.Settings.HostSettings(n => n switch
        {
            "PUBSUB_EMULATOR_HOST" => emulator.EmulatorHost,
            "GOOGLE_CLOUD_PROJECT" => "local-project",
            _ => null,
        })), metadata);

        var id = await publisher.PublishAsync("payments", new Core.Messaging.OutgoingMessage("hi"u8.ToArray(), new Dictionary<string, string> { ["a"] = "b", [PubSubPublisher.OrderingKeyAttribute] = "k" }));

        var stored = Assert.Single(emulator.Messages("payments"));
        Assert.Equal(id, stored.MessageId);
        Assert.Equal("hi", Encoding.UTF8.GetString(stored.Data));
        Assert.Equal("b", stored.Attributes["a"]);
        Assert.Equal("k", stored.OrderingKey);
        Assert.Equal(1, emulator.PendingCount);
    }

    [Fact]
    public async Task RestPublish_UnknownTopic_IsNotFoundForThePublisher()
    {
        await using var endpoint = new RecordingHttpServer(_ => new RecordedResponse(204, "text/plain", string.Empty));
        await using var emulator = await StartAsync(endpoint, new FakeTimeProvider(Start));
        using var http = new HttpClient();
        using var metadata = new MetadataServer(http, TimeProvider.System, "127.0.0.1:1");
        var publisher = new PubSubPublisher(http, new PubSubPublisherOptions { Endpoint = new Uri($"http://{emulator.EmulatorHost}/"), ProjectId = "local-project", Authenticate = false }, metadata);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => publisher.PublishAsync("nope", new Core.Messaging.OutgoingMessage("x"u8.ToArray())).AsTask());

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("NOT_FOUND", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(101)]
    public void Validate_MaxDeliveryAttemptsOutsideFiveToHundred_Throws(int attempts)
    {
        var options = new PubSubPushEmulatorOptions { Topic = "t", PushEndpoint = new Uri("http://127.0.0.1/"), MaxDeliveryAttempts = attempts };

        Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
    }

    [Fact]
    public void Defaults_AreTheGcpPubSubPushProfile()
    {
        var options = new PubSubPushEmulatorOptions { Topic = "t", PushEndpoint = new Uri("http://127.0.0.1/") };

        Assert.Equal(5, options.MaxDeliveryAttempts);
        Assert.Equal(TimeSpan.FromSeconds(10), options.MinimumBackoff);
        Assert.Equal(TimeSpan.FromSeconds(600), options.MaximumBackoff);
        Assert.Equal(TimeSpan.FromSeconds(10), options.AckDeadline);
    }

    private static Task<PubSubPushEmulator> StartAsync(RecordingHttpServer endpoint, TimeProvider time, int maxDeliveryAttempts = 5) =>
        PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = "payments",
            PushEndpoint = new Uri(endpoint.BaseUri, "push/ledger-writer"),
            DeadLetterTopic = "payments-dead-letter",
            MaxDeliveryAttempts = maxDeliveryAttempts,
            TimeProvider = time,
        });
}
