using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.Emulators.Gcp;
using Portable.Gcp.Events;
using Portable.Gcp.Messaging;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Events;

/// <summary>
/// Content-based routing on Google, end to end, with the scenario every host runs (<see cref="RoutingScenario"/>): the
/// publishing HTTP function publishes through the host's <see cref="IEventPublisher"/> (Pub/Sub REST publish to the
/// events topic); one push subscription per rule, as each Eventarc trigger has, delivers every message as Eventarc
/// does (binary-mode messagePublished CloudEvents) to <c>/_portable/events/{rule}</c> of the same Cloud Run service,
/// which applies the rule's pattern. Every acked message is pushed once more (at-least-once), a failed delivery is
/// nacked and redelivered after Pub/Sub's backoff, and a poison event is dead-lettered to the rule's topic.
/// </summary>
public sealed class EventarcRoutingEndToEndTests : IAsyncLifetime
{
    private readonly RoutingScenario _scenario = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private PubSubPushEmulator _pubSub = null!;
    private ComposedCloudRunHost _host = null!;

    public async Task InitializeAsync()
    {
        var port = FreePort.Next();
        var rules = _scenario.Manifest.FunctionsOf<EventTrigger>().Select(f => f.Trigger.Rule).ToList();
        Uri EndpointOf(string rule) => new($"http://127.0.0.1:{port}/{EventTriggerMapper.PathOf(rule)}");
        _pubSub = await PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = PubSubEventPublisherOptions.DefaultTopic,
            Subscription = $"eventarc-{rules[0]}",
            PushEndpoint = EndpointOf(rules[0]),
            Format = PushFormat.EventarcBinary,
            DeadLetterTopic = "portable-events-dead-letter",
            DuplicateDeliveryRate = 1,
            TimeProvider = _time,
        });
        foreach (var rule in rules.Skip(1))
        {
            _pubSub.AddPushSubscription($"eventarc-{rule}", EndpointOf(rule));
        }

        foreach (var rule in rules)
        {
            _pubSub.CreateTopic(rule + PubSubServiceCollectionExtensions.DeadLetterSuffix);
        }

        _host = await ComposedCloudRunHost.StartAsync(_scenario.App, new Dictionary<string, string>
        {
            [PubSubPublisherOptions.EmulatorHostVariable] = _pubSub.EmulatorHost,
            ["GOOGLE_CLOUD_PROJECT"] = "local-project",
        }, port);
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _pubSub.DisposeAsync();
    }

    [Fact]
    public async Task PublishedOnCloudRun_EachRulesTriggerDeliversEveryEvent_AndTheHostRoutesThemAsTheLocalBus()
    {
        using var published = await _host.Client.PostAsync("/publish", new StringContent(RoutingScenario.Events, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, published.StatusCode);
        var ids = JsonDocument.Parse(await published.Content.ReadAsStringAsync()).RootElement.EnumerateArray().Select(e => e.GetString()!).ToList();
        var messages = _pubSub.Messages(PubSubEventPublisherOptions.DefaultTopic);
        Assert.Equal(7, messages.Count);
        // The bus keeps the event's own id: it travels in the envelope the message carries; source and detail-type ride as attributes.
        Assert.Equal(ids, messages.Select(m => PortableEvent.FromEnvelope(m.Data).Id));
        Assert.All(messages, m => Assert.Equal(PortableEvent.FromEnvelope(m.Data).Source, m.Attributes[PubSubEventPublisher.SourceAttribute]));
        Assert.Equal("shipment.created", messages[3].Attributes[PubSubEventPublisher.DetailTypeAttribute]);

        await DeliverEverythingDueAsync();
        Assert.Equal(RoutingScenario.ExpectedFailedOnce, _scenario.Failed);
        Assert.NotEqual(RoutingScenario.ExpectedHandled, _scenario.Handled); // e4 still waits for its redelivery
        _time.Advance(DeliveryProfile.GcpPubSubPush.MaxRetryDelay);
        await DeliverEverythingDueAsync();

        Assert.Equal(RoutingScenario.ExpectedHandled, _scenario.Handled);
        Assert.Equal(RoutingScenario.ExpectedPoisoned, _scenario.Poisoned);
        Assert.Equal(RoutingScenario.ExpectedFailedOnce, _scenario.Failed);
        Assert.Equal(0, _pubSub.PendingCount);

        // Three triggers, seven events: every trigger got every event; the duplicates were acked without running again.
        var attempts = _pubSub.Attempts;
        Assert.Equal(21, attempts.Where(a => a.DeliveryAttempt == 1 && !IsDuplicatePush(attempts, a)).Select(a => (a.MessageId, a.Subscription)).Distinct().Count());
        Assert.True(_pubSub.DuplicatedCount > 0);
        var nacked = Assert.Single(attempts, a => a.Outcome == PushOutcome.Nacked);
        Assert.Equal(500, nacked.StatusCode);
        Assert.EndsWith($"eventarc-{RoutingScenario.NotifyShippingRule}", nacked.Subscription, StringComparison.Ordinal);
        var e4 = _scenario.Attempts.Where(a => a.Ref == "e4").ToList();
        Assert.Equal([1, 2], e4.Select(a => a.DeliveryCount));
        Assert.Single(e4.Select(a => a.EventId).Distinct());

        // e7 was poison for big-order-audit: dead-lettered by the host to audit-big-orders-dead-letter, and acked.
        var letter = Assert.Single(_pubSub.Messages(RoutingScenario.BigOrderAuditRule + PubSubServiceCollectionExtensions.DeadLetterSuffix));
        Assert.Equal("e7", PortableEvent.FromEnvelope(letter.Data).Detail.GetProperty("ref").GetString());
        Assert.Equal($"e7 is poison for {RoutingScenario.BigOrderAudit}", letter.Attributes[PublishingDeadLetterSink.ReasonAttribute]);
        Assert.Empty(_pubSub.Messages("portable-events-dead-letter"));
        Assert.All(attempts.Where(a => a.Outcome != PushOutcome.Nacked), a => Assert.Equal(204, a.StatusCode));
    }

    // A duplicate push repeats an acked (message, subscription) pair.
    private static bool IsDuplicatePush(IReadOnlyList<PushAttempt> attempts, PushAttempt attempt) =>
        attempts.TakeWhile(a => !ReferenceEquals(a, attempt)).Any(a => a.MessageId == attempt.MessageId && a.Subscription == attempt.Subscription);

    private async Task DeliverEverythingDueAsync()
    {
        for (var round = 0; round < 10; round++)
        {
            if ((await _pubSub.DeliverDueAsync()).Count == 0)
            {
                return;
            }
        }

        Assert.Fail("The subscriptions kept pushing for ten rounds.");
    }
}
