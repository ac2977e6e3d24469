using System.Diagnostics;
using Portable.Conformance.Hosts;
using Portable.Conformance.Sagas;
using Portable.Core.Patterns.Choreography;
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
            var orchestrated = AwsOrderSagaHost.StartAsync(AwsOrderSagaConformanceTests.CoordinatorEnvironments);
            var choreographed = AwsChoreographedOrderHost.StartAsync();
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

            return new AwsTwins(orchestrated.Result, choreographed.Result);
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
            Assert.All(bus.Authorizations, a => Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={Portable.HostsUnderTest.LocalAws.Credentials["AWS_ACCESS_KEY_ID"]}/", a, StringComparison.Ordinal));

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
