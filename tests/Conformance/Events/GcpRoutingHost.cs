using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Events;
using Portable.Core.Messaging;
using Portable.Emulators.Gcp;
using Portable.Gcp.Events;
using Portable.Gcp.Messaging;
using Portable.Gcp.Tests;
using Portable.TestKit;

namespace Portable.Conformance.Events;

/// <summary>
/// Google, as <c>Gcp.Tests</c>' Eventarc routing test wires it: one Cloud Run service composed in this process
/// (<see cref="ComposedCloudRunHost"/>) publishing to the events topic over <c>PUBSUB_EMULATOR_HOST</c>, and one push
/// subscription per rule, as each Eventarc trigger has, delivering every message as Eventarc does (binary-mode
/// messagePublished CloudEvents) to <c>/_portable/events/{rule}</c>; every acked message is pushed once more, a failure is
/// nacked and pushed again after Pub/Sub's backoff (a fake clock advanced here), a poison event is dead-lettered to
/// <c>{rule}-dead-letter</c>. HTTP-delivered: a malformed event must be answered with a 4xx.
/// </summary>
internal sealed class GcpRoutingHost : IRoutingHost
{
    private readonly PubSubPushEmulator _pubSub;
    private readonly ComposedCloudRunHost _host;
    private readonly FakeTimeProvider _time;
    private readonly List<string> _rules;

    private GcpRoutingHost(PubSubPushEmulator pubSub, ComposedCloudRunHost host, FakeTimeProvider time, List<string> rules)
    {
        _pubSub = pubSub;
        _host = host;
        _time = time;
        _rules = rules;
    }

    public string Name => "gcp";

    public string Wiring => $"Cloud Run publishing to Pub/Sub {PubSubEventPublisherOptions.DefaultTopic}, one Eventarc-shaped push subscription per rule to /_portable/events/{{rule}} (binary-mode CloudEvents, every ack pushed once more: {_pubSub.DuplicatedCount} so far), dead letters to {{rule}}-dead-letter";

    public HttpClient Publisher => _host.Client;

    public static async Task<IRoutingHost> StartAsync(RoutingScenario scenario)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var port = FreePort.Next();
        var rules = scenario.Manifest.FunctionsOf<EventTrigger>().Select(f => f.Trigger.Rule).ToList();
        Uri EndpointOf(string rule) => new($"http://127.0.0.1:{port}/{EventTriggerMapper.PathOf(rule)}");
        var pubSub = await PubSubPushEmulator.StartAsync(new PubSubPushEmulatorOptions
        {
            Topic = PubSubEventPublisherOptions.DefaultTopic,
            Subscription = $"eventarc-{rules[0]}",
            PushEndpoint = EndpointOf(rules[0]),
            Format = PushFormat.EventarcBinary,
            DeadLetterTopic = "portable-events-dead-letter",
            DuplicateDeliveryRate = 1,
            TimeProvider = time,
        });
        try
        {
            foreach (var rule in rules.Skip(1))
            {
                pubSub.AddPushSubscription($"eventarc-{rule}", EndpointOf(rule));
            }

            foreach (var rule in rules)
            {
                pubSub.CreateTopic(rule + PubSubServiceCollectionExtensions.DeadLetterSuffix);
            }

            var host = await ComposedCloudRunHost.StartAsync(scenario.App, new Dictionary<string, string>
            {
                [PubSubPublisherOptions.EmulatorHostVariable] = pubSub.EmulatorHost,
                ["GOOGLE_CLOUD_PROJECT"] = "local-project",
            }, port);
            return new GcpRoutingHost(pubSub, host, time, rules);
        }
        catch
        {
            await pubSub.DisposeAsync();
            throw;
        }
    }

    // Push what is due until nothing is; then let Pub/Sub's backoff pass for the nacked message, until settled.
    public async Task SettleAsync(Func<bool> until, TimeSpan patience)
    {
        using var deadline = new CancellationTokenSource(patience);
        while (true)
        {
            while ((await _pubSub.DeliverDueAsync(deadline.Token)).Count > 0)
            {
            }

            if (until() && _pubSub.PendingCount == 0)
            {
                return;
            }

            deadline.Token.ThrowIfCancellationRequested();
            _time.Advance(DeliveryProfile.GcpPubSubPush.MaxRetryDelay);
        }
    }

    public Task<IReadOnlyList<string>> DeadLettersAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. _rules
            .SelectMany(rule => _pubSub.Messages(rule + PubSubServiceCollectionExtensions.DeadLetterSuffix).Select(m =>
                $"{PortableEvent.FromEnvelope(m.Data).Detail.GetProperty("ref").GetString()}:{rule}: {m.Attributes[PublishingDeadLetterSink.ReasonAttribute]}"))
            .Order(StringComparer.Ordinal)]);

    public async Task<string> DeliverMalformedAsync()
    {
        // What reaches a trigger's path that is no CloudEvent: no ce- headers, a body that is no Pub/Sub message.
        using var response = await _host.Client.PostAsync(new Uri("/" + EventTriggerMapper.PathOf(RoutingScenario.ChargePaymentRule), UriKind.Relative), new StringContent("""{"detail-type": "inventory.reserved"}""", Encoding.UTF8, "application/json"));
        return $"{(int)response.StatusCode}";
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _pubSub.DisposeAsync();
    }
}
