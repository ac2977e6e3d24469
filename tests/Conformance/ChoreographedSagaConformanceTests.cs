using System.Diagnostics;
using Portable.Compare.Sagas;
using Portable.Conformance.Hosts;
using Portable.Conformance.Sagas;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Emulators.Aws;
using Portable.TestKit;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// The choreographed order saga on one host kind — no orchestrator, each step an event function reacting to the
/// previous step's event on the platform's bus — ends every path (<see cref="OrderChoreographyScenario"/>) as its
/// orchestrated twin on the same host kind does: the same status, reason, steps with attempts, stock and payment,
/// waiting the step retries' backoffs for real. Each host kind is its own class below, starting both twins once.
/// </summary>
public abstract class ChoreographedSagaConformanceTests(ChoreographedSagaConformanceTests.Twins twins, ITestOutputHelper output)
{
    /// <summary>The two paths whose lines the twins must both write, as the local host's and the in-memory twin tests pin them.</summary>
    public static readonly IReadOnlyList<string> PinnedLines =
    [
        "shipment-fails: compensated; reason create-shipment: shipment refused: no carrier serves XX; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:failed:1 refund-payment:undo:succeeded:1 release-inventory:undo:succeeded:1; stock 5/0; paid 2.50 refunded 2.50",
        "notify-fails: completed; reason none; steps reserve-inventory:do:succeeded:1 charge-payment:do:succeeded:1 create-shipment:do:succeeded:1 notify-customer:do:failed:4; stock 3/2; paid 2.50 refunded 0.00",
    ];

    // Every path at once on a loaded two-core machine, each delivery waiting its step's backoffs (at most 1 + 2 s, or 0.5 + 1 + 2 s for the notification).
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task EveryPath_Choreographed_EndsAsItsOrchestratedTwin()
    {
        var hosts = await twins.HostsAsync();
        output.WriteLine($"{hosts.Name} orchestrated: {hosts.OrchestratedWiring}");
        output.WriteLine($"{hosts.Name} choreographed: {hosts.ChoreographedWiring}");
        output.WriteLine($"both started in {twins.Startup.TotalSeconds:0.0} s");
        var clock = Stopwatch.StartNew();

        IReadOnlyList<string>[] both;
        try
        {
            both = await Task.WhenAll(
                OrderChoreographyScenario.RunAsync(hosts.Orchestrated, Deadline),
                OrderChoreographyScenario.RunAsync(hosts.Choreographed, Deadline));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            output.WriteLine(hosts.Output);
            throw;
        }

        output.WriteLine($"{OrderChoreographyScenario.Paths.Count} paths on both twins in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var line in both[1])
        {
            output.WriteLine("  " + line);
        }

        if (ItemsScenario.Diff("the orchestrated twin", both[0], $"{hosts.Name} choreographed", both[1]) is { } difference)
        {
            Assert.Fail(difference);
        }

        foreach (var pinned in PinnedLines)
        {
            Assert.Contains(pinned, both[1]);
        }

        await hosts.AssertChoreographyRanOverTheBusAsync(both[1], output);
    }

    /// <summary>An orchestrated host and a choreographed one of the same kind, each driven by <see cref="OrderChoreographyScenario"/>.</summary>
    public interface ITwinHosts : IAsyncDisposable
    {
        /// <summary>The host kind, for the output.</summary>
        string Name { get; }

        /// <summary>How the orchestrated twin is wired.</summary>
        string OrchestratedWiring { get; }

        /// <summary>How the choreographed host is wired.</summary>
        string ChoreographedWiring { get; }

        /// <summary>The orchestrated twin, driven.</summary>
        OrderChoreographyScenario.Host Orchestrated { get; }

        /// <summary>The choreographed host, driven (with a publisher on its bus).</summary>
        OrderChoreographyScenario.Host Choreographed { get; }

        /// <summary>Everything both hosts' processes wrote, for a failure.</summary>
        string Output { get; }

        /// <summary>
        /// Checks, on the platform's own records, that the saga whose paths ended as <paramref name="lines"/> say ran
        /// over its bus as deployed, each handler that ran reached through its rule, and nothing was lost or dead-lettered.
        /// </summary>
        Task AssertChoreographyRanOverTheBusAsync(IReadOnlyList<string> lines, ITestOutputHelper output);
    }

    /// <summary>Starts both twins for a class's test, on first use, and disposes them after it.</summary>
    public abstract class Twins : StartedHostFixture<ITwinHosts>
    {
        /// <summary>Both hosts.</summary>
        public Task<ITwinHosts> HostsAsync() => HostAsync();

        /// <summary>Waits for both hosts to start, side by side; when either fails, disposes the one that started and rethrows.</summary>
        protected static async Task<(TOrchestrated Orchestrated, TChoreographed Choreographed)> StartBothAsync<TOrchestrated, TChoreographed>(
            Task<TOrchestrated> orchestrated, Task<TChoreographed> choreographed)
            where TOrchestrated : IAsyncDisposable
            where TChoreographed : IAsyncDisposable
        {
            try
            {
                await Task.WhenAll(orchestrated, choreographed);
            }
            catch
            {
                await Task.WhenAll(Task.WhenAny(orchestrated), Task.WhenAny(choreographed));
                if (orchestrated.IsCompletedSuccessfully)
                {
                    await orchestrated.Result.DisposeAsync();
                }

                if (choreographed.IsCompletedSuccessfully)
                {
                    await choreographed.Result.DisposeAsync();
                }

                throw;
            }

            return (orchestrated.Result, choreographed.Result);
        }
    }
}

/// <summary>
/// AWS: the orchestrated twin as <see cref="AwsOrderSagaConformanceTests"/> runs it (the coordinator on SQS), and the
/// choreography as seven Lambda functions behind the EventBridge rules src/Deploy generates, publishing with SigV4-signed
/// <c>PutEvents</c>; both with state in DynamoDB on dynalite.
/// </summary>
public sealed class AwsChoreographedSagaConformanceTests(AwsChoreographedSagaConformanceTests.Host host, ITestOutputHelper output)
    : ChoreographedSagaConformanceTests(host, output), IClassFixture<AwsChoreographedSagaConformanceTests.Host>
{
    public sealed class Host : Twins
    {
        protected override async Task<ITwinHosts> StartAsync()
        {
            var (orchestrated, choreographed) = await StartBothAsync(AwsOrderSagaHost.StartAsync(AwsOrderSagaConformanceTests.CoordinatorEnvironments), AwsChoreographedOrderHost.StartAsync());
            return new AwsTwins(orchestrated, choreographed);
        }
    }

    private sealed class AwsTwins(IOrderSagaHost orchestrated, AwsChoreographedOrderHost choreographed) : ITwinHosts
    {
        public string Name => "aws";

        public string OrchestratedWiring => orchestrated.Wiring;

        public string ChoreographedWiring => choreographed.Wiring;

        public OrderChoreographyScenario.Host Orchestrated { get; } = new(
            orchestrated.Inventory,
            orchestrated.Orders,
            async id =>
            {
                orchestrated.ThrowIfBroken();
                var payment = await orchestrated.PaymentAsync(id);
                return (payment.Charged, payment.Refunded);
            },
            null);

        public OrderChoreographyScenario.Host Choreographed { get; } = new(
            choreographed.Inventory,
            choreographed.Orders,
            async id =>
            {
                choreographed.ThrowIfBroken();
                var payment = await choreographed.PaymentAsync(id);
                return (payment.Charged, payment.Refunded);
            },
            choreographed.PublishAsync);

        public string Output => $"orchestrated:\n{orchestrated.Output}\nchoreographed:\n{choreographed.Output}";

        public Task AssertChoreographyRanOverTheBusAsync(IReadOnlyList<string> lines, ITestOutputHelper output)
        {
            var bus = choreographed.Bus;
            var events = bus.Events.ToDictionary(e => e.Id, StringComparer.Ordinal);
            var deliveries = bus.Deliveries;
            output.WriteLine($"aws choreographed: {events.Count} events put, {deliveries.Count} deliveries, {deliveries.Count(d => d.Outcome == EventBridgeDeliveryOutcome.Failed)} retried");

            // One rule per handler, as the manifest declares it: its name, its function, its trigger.
            Assert.Equal(
                OrderChoreography.Handlers.Select(OrderChoreography.FunctionName).Order(StringComparer.Ordinal),
                choreographed.Rules.Select(r => r.Rule).Order(StringComparer.Ordinal));
            Assert.All(choreographed.Rules, r => Assert.Equal((r.Rule, r.Rule), (r.FunctionName, r.HandlerName)));

            // Every PutEvents was SigV4-signed with the functions' key (the bus recomputed each signature).
            Assert.NotEmpty(bus.Authorizations);
            Assert.All(bus.Authorizations, a => Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={Portable.Compare.Hosts.LocalAws.Credentials["AWS_ACCESS_KEY_ID"]}/", a, StringComparison.Ordinal));

            // Each rule delivered only its handler's trigger, every delivery ended delivered, nothing was dead-lettered.
            foreach (var delivery in deliveries)
            {
                var handler = OrderChoreography.Handlers.Single(h => OrderChoreography.FunctionName(h) == delivery.Rule);
                Assert.Equal(OrderChoreography.Events.TriggerOf(handler), events[delivery.EventId].DetailType);
            }

            Assert.DoesNotContain(deliveries, d => d.Outcome is EventBridgeDeliveryOutcome.Dropped or EventBridgeDeliveryOutcome.DeadLettered);
            Assert.All(choreographed.DeadLetters, q => Assert.Equal(0, q.Value));

            // Every path started with order.placed on the bus, the duplicate's twice; every handler that ran (cancel-shipment
            // never does: nothing after the pivot is compensated) was reached through its rule, and no other.
            var placed = events.Values.Count(e => e.DetailType == OrderChoreography.OrderPlaced);
            Assert.Equal(OrderChoreographyScenario.Paths.Count + 1, placed);
            var ran = OrderChoreography.Handlers.Where(h => lines.Any(l => l.Contains($" {h}:", StringComparison.Ordinal))).ToList();
            Assert.DoesNotContain(Portable.Core.Patterns.Orders.OrderSaga.CancelShipment, ran);
            Assert.Equal(
                ran.Select(OrderChoreography.FunctionName).Order(StringComparer.Ordinal),
                deliveries.Where(d => d.Outcome == EventBridgeDeliveryOutcome.Delivered).Select(d => d.Rule).Distinct().Order(StringComparer.Ordinal));
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            await choreographed.DisposeAsync();
            await orchestrated.DisposeAsync();
        }
    }
}

/// <summary>
/// Google: the orchestrated twin as <see cref="GcpOrderSagaConformanceTests"/> runs it (the coordinator behind a Pub/Sub
/// push subscription), and the choreography in one Cloud Run service run with <c>PORTABLE_ORDERS_SAGA=choreographed</c>,
/// publishing with <see cref="Portable.Gcp.Messaging.PubSubEventPublisher"/> to <c>portable-events</c>, each rule's
/// Eventarc trigger a push subscription delivering binary-mode CloudEvents to <c>/_portable/events/{rule}</c>; both with
/// state in PostgreSQL.
/// </summary>
public sealed class GcpChoreographedSagaConformanceTests(GcpChoreographedSagaConformanceTests.Host host, ITestOutputHelper output)
    : ChoreographedSagaConformanceTests(host, output), IClassFixture<GcpChoreographedSagaConformanceTests.Host>
{
    public sealed class Host : Twins
    {
        protected override async Task<ITwinHosts> StartAsync()
        {
            var (orchestrated, choreographed) = await StartBothAsync(GcpOrderSagaHost.StartAsync(GcpOrderSagaConformanceTests.OutstandingPushes), GcpChoreographedOrderHost.StartAsync(GcpOrderSagaConformanceTests.OutstandingPushes));
            return new GcpTwins(orchestrated, choreographed);
        }
    }

    private sealed class GcpTwins(IOrderSagaHost orchestrated, GcpChoreographedOrderHost choreographed) : ITwinHosts
    {
        public string Name => "gcp";

        public string OrchestratedWiring => orchestrated.Wiring;

        public string ChoreographedWiring => choreographed.Wiring;

        public OrderChoreographyScenario.Host Orchestrated { get; } = new(
            orchestrated.Inventory,
            orchestrated.Orders,
            async id =>
            {
                orchestrated.ThrowIfBroken();
                var payment = await orchestrated.PaymentAsync(id);
                return (payment.Charged, payment.Refunded);
            },
            null);

        public OrderChoreographyScenario.Host Choreographed { get; } = new(
            choreographed.App.Client,
            choreographed.App.Client,
            async id =>
            {
                choreographed.App.ThrowIfBroken();
                var payment = await choreographed.PaymentAsync(id);
                return (payment.Charged, payment.Refunded);
            },
            choreographed.PublishAsync);

        public string Output => $"orchestrated:\n{orchestrated.Output}\nchoreographed:\n{choreographed.App.Output}";

        public async Task AssertChoreographyRanOverTheBusAsync(IReadOnlyList<string> lines, ITestOutputHelper output)
        {
            var pubSub = choreographed.App.Host.PubSub;

            // The orders' ends are stored before their last events are pushed: wait until the subscriptions hold nothing.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (pubSub.PendingCount > 0)
            {
                choreographed.App.ThrowIfBroken();
                Assert.True(DateTime.UtcNow < deadline, $"{pubSub.PendingCount} pushes still pending");
                await Task.Delay(50);
            }

            var events = pubSub.Messages(Portable.Gcp.Messaging.PubSubEventPublisherOptions.DefaultTopic);
            var attempts = pubSub.Attempts;
            output.WriteLine($"gcp choreographed: {events.Count} events published, {attempts.Count} pushes, {attempts.Count(a => a.Outcome != Portable.Emulators.Gcp.PushOutcome.Acked)} nacked");
            string TypeOf(Portable.Emulators.Gcp.PublishedMessage m) => m.Attributes[Portable.Gcp.Messaging.PubSubEventPublisher.DetailTypeAttribute];

            // One trigger per handler, each subscription named after its rule (its function's name).
            Assert.Equal(
                OrderChoreography.Handlers.Select(OrderChoreography.FunctionName).Order(StringComparer.Ordinal),
                choreographed.Rules.Order(StringComparer.Ordinal));

            // Every event reached every rule's trigger (Eventarc filters a Pub/Sub trigger by topic only), and every push was acked
            // at once: a failing step is retried inside its delivery, nothing waited for Pub/Sub's backoff, nothing was dead-lettered.
            // The one exception: the duplicate order.placed racing its original is answered 500 while the original holds the
            // idempotency claim, and acked when Pub/Sub pushes it again.
            foreach (var message in events)
            {
                Assert.Equal(
                    choreographed.Rules.Select(r => $"projects/local-project/subscriptions/{GcpChoreographedOrderHost.SubscriptionOf(r)}").Order(StringComparer.Ordinal),
                    attempts.Where(a => a.MessageId == message.MessageId).Select(a => a.Subscription).Distinct().Order(StringComparer.Ordinal));
            }

            foreach (var pushes in attempts.GroupBy(a => (a.MessageId, a.Subscription)))
            {
                Assert.Equal((Portable.Emulators.Gcp.PushOutcome.Acked, 204), (pushes.Last().Outcome, pushes.Last().StatusCode));
                Assert.True(pushes.Count() == 1 || events.Any(e => e.MessageId == pushes.Key.MessageId && TypeOf(e) == OrderChoreography.OrderPlaced), $"{pushes.Key} was pushed {pushes.Count()} times");
            }
            Assert.Equal(0, choreographed.App.DeadLetterCount);
            Assert.All(choreographed.Rules, r => Assert.Empty(choreographed.DeadLettersOf(r)));

            // Every path started with order.placed on the topic, the duplicate's twice; every handler that ran (cancel-shipment
            // never does: nothing after the pivot is compensated) published its outcome, and only after its trigger was pushed
            // to its own rule's endpoint; the handlers that did not run published nothing.
            Assert.Equal(OrderChoreographyScenario.Paths.Count + 1, events.Count(e => TypeOf(e) == OrderChoreography.OrderPlaced));
            var ran = OrderChoreography.Handlers.Where(h => lines.Any(l => l.Contains($" {h}:", StringComparison.Ordinal))).ToList();
            Assert.DoesNotContain(OrderSaga.CancelShipment, ran);
            foreach (var handler in OrderChoreography.Handlers)
            {
                var succeeded = OrderChoreography.Events.OutcomeOf(handler, Portable.Core.Sagas.SagaStepOutcome.Succeeded);
                var failed = OrderChoreography.Events.OutcomeOf(handler, Portable.Core.Sagas.SagaStepOutcome.Failed);
                var facts = events.Where(e => TypeOf(e) == succeeded || TypeOf(e) == failed).ToList();
                if (!ran.Contains(handler))
                {
                    Assert.Empty(facts);
                    continue;
                }

                Assert.NotEmpty(facts);
                var trigger = OrderChoreography.Events.TriggerOf(handler);
                var firstTrigger = events.First(e => TypeOf(e) == trigger);
                Assert.True(firstTrigger.PublishTime <= facts[0].PublishTime, $"{handler}'s outcome came before its trigger");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await choreographed.DisposeAsync();
            await orchestrated.DisposeAsync();
        }
    }
}

/// <summary>
/// Azure: the orchestrated twin as <see cref="AzureOrderSagaConformanceTests"/> runs it (the coordinator on a Storage
/// queue), and the choreography in src/Azure's isolated worker run with <c>PORTABLE_ORDERS_SAGA=choreographed</c>:
/// events published to the Storage queue <c>portable-events</c>, the router forwarding each to <c>events-{rule}</c>, the
/// seven event functions queue triggers there, all run by the host emulator's ordinary queue listener; both with state
/// in Table Storage on Azurite.
/// </summary>
public sealed class AzureChoreographedSagaConformanceTests(AzureChoreographedSagaConformanceTests.Host host, ITestOutputHelper output)
    : ChoreographedSagaConformanceTests(host, output), IClassFixture<AzureChoreographedSagaConformanceTests.Host>
{
    public sealed class Host : Twins
    {
        protected override async Task<ITwinHosts> StartAsync()
        {
            var (orchestrated, choreographed) = await StartBothAsync(AzureOrderSagaHost.StartAsync(AzureOrderSagaConformanceTests.BatchSize), AzureChoreographedOrderHost.StartAsync(AzureOrderSagaConformanceTests.BatchSize));
            return new AzureTwins(orchestrated, choreographed);
        }
    }

    private sealed class AzureTwins(IOrderSagaHost orchestrated, AzureChoreographedOrderHost choreographed) : ITwinHosts
    {
        public string Name => "azure";

        public string OrchestratedWiring => orchestrated.Wiring;

        public string ChoreographedWiring => choreographed.Wiring;

        public OrderChoreographyScenario.Host Orchestrated { get; } = new(
            orchestrated.Inventory,
            orchestrated.Orders,
            async id =>
            {
                orchestrated.ThrowIfBroken();
                var payment = await orchestrated.PaymentAsync(id);
                return (payment.Charged, payment.Refunded);
            },
            null);

        public OrderChoreographyScenario.Host Choreographed { get; } = new(
            choreographed.App.Client,
            choreographed.App.Client,
            async id =>
            {
                choreographed.App.ThrowIfBroken();
                var payment = await choreographed.PaymentAsync(id);
                return (payment.Charged, payment.Refunded);
            },
            choreographed.PublishAsync);

        public string Output => $"orchestrated:\n{orchestrated.Output}\nchoreographed:\n{choreographed.App.Output}";

        public async Task AssertChoreographyRanOverTheBusAsync(IReadOnlyList<string> lines, ITestOutputHelper output)
        {
            var app = choreographed.App;
            var router = Portable.Azure.Events.EventQueues.RouterQueue;

            // The orders' ends are stored before their last events are routed: wait until every queue holds nothing.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            foreach (var queue in AzureChoreographedOrderHost.RuleQueues.Prepend(router))
            {
                while (!await app.IsQueueIdleAsync(queue) || !await app.IsQueueIdleAsync(router))
                {
                    app.ThrowIfBroken();
                    Assert.True(DateTime.UtcNow < deadline, $"{queue} still busy");
                    await Task.Delay(100);
                }
            }

            var deliveries = app.Host.Queues.Deliveries;
            output.WriteLine($"azure choreographed: {deliveries.Count(d => d.Queue == router)} events routed, {deliveries.Count} deliveries, {deliveries.Count(d => d.Outcome != Portable.Emulators.Azure.QueueDeliveryOutcome.Completed)} not completed");

            // The host listens on the router's queue and one queue per handler, each the queueTrigger of its rule's function.
            Assert.Equal(
                AzureChoreographedOrderHost.RuleQueues.Order(StringComparer.Ordinal),
                app.Host.Queues.TriggeredQueues.Where(q => q.StartsWith(Portable.Azure.Events.EventQueues.RuleQueuePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            Assert.Contains(router, app.Host.Queues.TriggeredQueues);
            foreach (var handler in OrderChoreography.Handlers)
            {
                var queue = Portable.Azure.Events.EventQueues.OfRule(OrderChoreography.FunctionName(handler));
                Assert.All(deliveries.Where(d => d.Queue == queue), d => Assert.Equal(OrderChoreography.FunctionName(handler), d.Function));
            }

            // Every delivery completed on its first dequeue (a failing step is retried inside its delivery), but for the duplicate
            // order.placed racing its original, retried while the original held the idempotency claim; nothing was poisoned.
            Assert.All(deliveries, d => Assert.True(
                (d.DequeueCount, d.Outcome) == (1, Portable.Emulators.Azure.QueueDeliveryOutcome.Completed)
                    || (d.Outcome == Portable.Emulators.Azure.QueueDeliveryOutcome.Retried && d.Error?.Contains("idempotency key is in progress", StringComparison.Ordinal) == true)
                    || (d.Outcome == Portable.Emulators.Azure.QueueDeliveryOutcome.Completed && d.Queue == Portable.Azure.Events.EventQueues.OfRule(OrderChoreography.FunctionName(OrderSaga.ReserveInventory))),
                $"{d} did not complete at once"));
            foreach (var queue in AzureChoreographedOrderHost.RuleQueues.Prepend(router))
            {
                Assert.Equal(0, await app.DeadLetterCountAsync(queue));
            }

            // Every path's order.placed reached reserve-inventory's queue, the duplicate's twice; every handler that ran
            // (cancel-shipment never does: nothing after the pivot is compensated) was reached through its rule's queue,
            // and no other handler's queue got anything.
            Assert.Equal(
                OrderChoreographyScenario.Paths.Count + 1,
                deliveries.Where(d => d.Queue == Portable.Azure.Events.EventQueues.OfRule(OrderChoreography.FunctionName(OrderSaga.ReserveInventory))).Select(d => d.MessageId).Distinct().Count());
            var ran = OrderChoreography.Handlers.Where(h => lines.Any(l => l.Contains($" {h}:", StringComparison.Ordinal))).ToList();
            Assert.DoesNotContain(OrderSaga.CancelShipment, ran);
            Assert.Equal(
                ran.Select(h => Portable.Azure.Events.EventQueues.OfRule(OrderChoreography.FunctionName(h))).Order(StringComparer.Ordinal),
                deliveries.Where(d => d.Queue != router).Select(d => d.Queue).Distinct().Order(StringComparer.Ordinal));
        }

        public async ValueTask DisposeAsync()
        {
            await choreographed.DisposeAsync();
            await orchestrated.DisposeAsync();
        }
    }
}
