using System.Text.Json;
using Portable.Compare.Apps;
using Portable.Core.Events;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Orders;
using Portable.Emulators.Gcp;
using Portable.Gcp.Events;
using Portable.Gcp.Messaging;
using Portable.Compare.Hosts;

namespace Portable.Compare.Sagas;

/// <summary>
/// The choreographed order saga on Google Cloud, as <c>deploy/gcp/eventarc-triggers.sh</c> wires it: one Cloud Run
/// service (<see cref="GcpAppUnderTest"/>: the real Portable.Gcp, state in PostgreSQL as Cloud SQL) run with
/// <c>PORTABLE_ORDERS_SAGA=choreographed</c>, publishing every event with <see cref="PubSubEventPublisher"/> to the
/// topic <c>portable-events</c> through <c>PUBSUB_EMULATOR_HOST</c>, and one Eventarc trigger per rule: a push
/// subscription <c>eventarc-{rule}</c> on that topic delivering each message as Eventarc does (binary-mode
/// <c>messagePublished</c> CloudEvents) to <c>/_portable/events/{rule}</c> of the same service, pushing in the
/// background. Every trigger gets every event (Eventarc filters a Pub/Sub trigger by topic only); the service applies
/// each rule's pattern. The service dead-letters to <c>{rule}-dead-letter</c>, the subscriptions to
/// <c>portable-events-dead-letter</c>.
/// </summary>
public sealed class GcpChoreographedOrderHost : IChoreographedOrderHost
{
    private GcpChoreographedOrderHost(GcpAppUnderTest app, IReadOnlyList<string> rules, int pushes)
    {
        App = app;
        Rules = rules;
        Pushes = pushes;
    }

    /// <summary>The service, its topic and its subscriptions.</summary>
    public GcpAppUnderTest App { get; }

    /// <summary>The rules of the manifest, one Eventarc trigger each.</summary>
    public IReadOnlyList<string> Rules { get; }

    /// <summary>Pushes in flight at once, over every subscription.</summary>
    public int Pushes { get; }

    /// <inheritdoc />
    public string Name => "gcp";

    /// <inheritdoc />
    public HttpClient Inventory => App.Client;

    /// <inheritdoc />
    public HttpClient Orders => App.Client;

    /// <inheritdoc />
    public string Output => App.Output;

    /// <summary>How the service, the topic and the triggers are wired, for the test output.</summary>
    public string Wiring => $"one Cloud Run service with {Portable.Core.Patterns.Choreography.OrderChoreography.ModeVariable}={Portable.Core.Patterns.Choreography.OrderChoreography.Choreographed}, publishing to Pub/Sub {PubSubEventPublisherOptions.DefaultTopic}; {Rules.Count} Eventarc-shaped push subscriptions eventarc-{{rule}} to /{EventTriggerMapper.PathPrefix}{{rule}} (binary-mode CloudEvents, up to {Pushes} pushes in flight), state in PostgreSQL";

    /// <summary>Subscription name of <paramref name="rule"/>'s trigger.</summary>
    /// <param name="rule">The rule.</param>
    public static string SubscriptionOf(string rule) => $"eventarc-{rule}";

    /// <summary>Starts PostgreSQL, the service and one push subscription per rule, <paramref name="pushes"/> pushes in flight at most.</summary>
    /// <param name="pushes">Pushes in flight at most.</param>
    /// <param name="cancellationToken">Stops waiting for PostgreSQL.</param>
    public static async Task<GcpChoreographedOrderHost> StartAsync(int pushes, CancellationToken cancellationToken = default)
    {
        var rules = PatternsApp.Manifest.FunctionsOf<EventTrigger>().Select(f => f.Trigger.Rule).ToList();
        var app = await GcpAppUnderTest.StartAsync(
            PubSubEventPublisherOptions.DefaultTopic,
            EventTriggerMapper.PathOf(rules[0]),
            pushes,
            o => o with { Subscription = SubscriptionOf(rules[0]), Format = PushFormat.EventarcBinary },
            new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                [Portable.Core.Patterns.Choreography.OrderChoreography.ModeVariable] = Portable.Core.Patterns.Choreography.OrderChoreography.Choreographed,
            },
            cancellationToken);
        try
        {
            // Nothing is published before the first order, so the triggers added after the pusher started miss nothing.
            foreach (var rule in rules.Skip(1))
            {
                app.Host.PubSub.AddPushSubscription(SubscriptionOf(rule), new Uri(app.Host.Service.BaseAddress, "/" + EventTriggerMapper.PathOf(rule)));
            }

            foreach (var rule in rules)
            {
                app.Host.PubSub.CreateTopic(rule + PubSubServiceCollectionExtensions.DeadLetterSuffix);
            }

            return new GcpChoreographedOrderHost(app, rules, pushes);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public void ThrowIfBroken() => App.ThrowIfBroken();

    /// <summary>True when no trigger's subscription holds a message waiting or being pushed.</summary>
    public Task<bool> IsIdleAsync() => Task.FromResult(App.IsQueueIdle);

    /// <summary>Publishes one event (EventBridge JSON: <c>source</c>, <c>detail-type</c>, <c>detail</c>) to the topic as the service's publisher does, with a new id.</summary>
    /// <param name="json">The event.</param>
    public Task PublishAsync(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        var message = PubSubEventPublisher.ToMessage(new PortableEvent
        {
            Id = Portable.Core.State.SortableId.New(TimeProvider.System),
            Source = root.GetProperty("source").GetString()!,
            DetailType = root.GetProperty("detail-type").GetString()!,
            Time = TimeProvider.System.GetUtcNow(),
            Detail = root.GetProperty("detail").Clone(),
        });
        App.Host.PubSub.Publish(PubSubEventPublisherOptions.DefaultTopic, message.Body, message.Attributes);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(App.Store).GetAsync(orderId, CancellationToken.None);

    /// <summary>What the service dead-lettered to <paramref name="rule"/>'s dead-letter topic.</summary>
    /// <param name="rule">The rule.</param>
    public IReadOnlyList<Portable.Emulators.Gcp.PublishedMessage> DeadLettersOf(string rule) => App.Host.PubSub.Messages(rule + PubSubServiceCollectionExtensions.DeadLetterSuffix);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => App.DisposeAsync();
}
