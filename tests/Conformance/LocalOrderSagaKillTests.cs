using System.Diagnostics;
using Portable.Compare.Sagas;
using Portable.Conformance.Sagas;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Local.Queues;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// The local host's coordinator survives SIGKILL between steps (issue 10): the real <c>portable run</c> process is
/// killed three times while 20 orders run — as soon as the first step of any order is recorded, then once the
/// restarted host has recorded more and a third of all the steps is done, then at two thirds — and started again on
/// the same data folder each time. Every
/// order must end as the saga's rules say, exactly as without the kill: the same status, reason and step history
/// (each step once, with its attempts), its own stock exact, each charge and refund applied once.
/// </summary>
public sealed class LocalOrderSagaKillTests(ITestOutputHelper output)
{
    /// <summary>
    /// The host's <c>--queue-visibility</c>: a killed host's leased messages come back this long after their lease. Long
    /// enough for a batch of ten holding both waiting paths' longest backoffs (2 s each), short enough to keep the
    /// three restarts quick.
    /// </summary>
    private const int VisibilitySeconds = 5;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    // 20 orders: every path of the rules, the two that wait out retries once each (the one queue consumer waits them in turn).
    private static readonly string[] Mix =
    [
        "success", "shipment-fails", "declined", "success", "out-of-stock", "notify-fails", "success", "shipment-fails", "success", "declined",
        "payment-timeout", "success", "out-of-stock", "success", "shipment-fails", "success", "declined", "success", "out-of-stock", "success",
    ];

    [Fact]
    public async Task Sigkill_ThreeTimesWhileTwentyOrdersRun_RestartedOnTheSameData_EveryOrderEndsAsWithoutTheKillsAndNothingTwice()
    {
        var clock = Stopwatch.StartNew();
        await using var host = await LocalOrderSagaHost.StartAsync(["--queue-visibility", VisibilitySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)], LocalOrderSagaConformanceTests.Host.OpenStore);
        var paths = OrderSagaScenario.Paths.ToDictionary(p => p.Name, StringComparer.Ordinal);
        var mix = Mix.Select((name, i) => (Path: paths[name], Sku: $"{paths[name].Sku}-{i}")).ToList();
        foreach (var (path, sku) in mix)
        {
            await OrderSagaScenario.StockAsync(host, sku, OrderSagaScenario.Stock, OrderSagaScenario.Price);
        }

        var ids = await Task.WhenAll(mix.Select(o => OrderSagaScenario.PlaceAsync(host, o.Path.Customer, o.Sku, o.Path.Quantity, o.Path.Card, o.Path.Country)));
        var orders = mix.Zip(ids, (o, id) => (o.Path, o.Sku, Id: id)).ToList();

        // The first kill as soon as any step is recorded; each later one once the restarted host has recorded more
        // steps and a further third of all of them is done, so the kills fall at the start, the middle and late.
        var totalSteps = orders.Sum(o => o.Path.Steps.Count);
        var queue = new SqliteMessageQueue(host.Process.DatabasePath, TimeProvider.System);
        var repository = new OrderSagaRepository(host.Store!, TimeProvider.System);
        var recordedAtKill = 0;
        for (var kill = 0; kill < 3; kill++)
        {
            var threshold = Math.Max(recordedAtKill + 1, kill * totalSteps / 3);
            var recorded = await ProgressUntilAsync(host, ids, threshold, clock);
            await host.Process.KillAsync();

            // What the dead host left in its SQLite file: every order not ended must have its next step request on the queue.
            var running = 0;
            foreach (var id in ids)
            {
                var saga = await repository.LoadAsync(id, CancellationToken.None);
                running += saga!.State.Status is SagaStatus.Completed or SagaStatus.Compensated or SagaStatus.Failed ? 0 : 1;
            }

            var waiting = await queue.CountAsync(OrderSaga.Queue);
            output.WriteLine($"killed at {clock.Elapsed.TotalSeconds:0.0} s: {recorded} of {totalSteps} steps recorded, {running} order(s) not ended, {waiting} step request(s) on the queue");
            Assert.True(running > 0, $"Every order had ended before kill {kill + 1}; the kill proves nothing.");
            Assert.True(waiting > 0, $"{running} order(s) had not ended but the killed host's queue held no step request for them: lost.\n{OrderSagaScenario.Tail(host.Output)}");
            recordedAtKill = recorded;
            await host.Process.RestartAsync();
        }

        var lines = new List<string>();
        var expected = new List<string>();
        foreach (var (path, sku, id) in orders)
        {
            var order = await OrderSagaScenario.TerminalAsync(host, id, clock, Deadline);
            var (available, reserved) = await OrderSagaScenario.StockOfAsync(host, sku);
            lines.Add(OrderSagaScenario.Line($"{path.Name} ({sku})", order, available, reserved, await host.PaymentAsync(id)));
            expected.Add(OrderSagaScenario.Line($"{path.Name} ({sku})", path.Status, path.Reason?.Replace(path.Sku, sku, StringComparison.Ordinal), path.Steps, path.Available, path.Reserved, path.Charged, path.Refunded, path.PaymentCalls));
        }

        output.WriteLine($"all {orders.Count} orders ended {clock.Elapsed.TotalSeconds:0.0} s after the start, over {host.Process.EarlierProcesses.Count + 1} processes");
        foreach (var line in lines)
        {
            output.WriteLine("  " + line);
        }

        if (ItemsScenario.Diff("the saga's rules", expected, "local after SIGKILLs", lines) is { } difference)
        {
            Assert.Fail(difference);
        }

        Assert.Equal(0, await host.DeadLetterCountAsync());
    }

    /// <summary>Reads every order until <paramref name="threshold"/> steps are recorded in all (or every order has ended); returns the count.</summary>
    private static async Task<int> ProgressUntilAsync(LocalOrderSagaHost host, IEnumerable<string> ids, int threshold, Stopwatch clock)
    {
        while (true)
        {
            var recorded = 0;
            var running = 0;
            foreach (var id in ids)
            {
                var (order, _) = await OrderSagaScenario.OrderAsync(host, id);
                recorded += order.GetProperty("steps").GetArrayLength();
                running += OrderSagaScenario.Status(order) is "completed" or "compensated" or "failed" ? 0 : 1;
            }

            if (recorded >= threshold || running == 0)
            {
                return recorded;
            }

            host.ThrowIfBroken();
            Assert.True(clock.Elapsed < Deadline, $"Only {recorded} steps were recorded after {clock.Elapsed.TotalSeconds:0} s.\n{OrderSagaScenario.Tail(host.Output)}");
            await Task.Delay(20);
        }
    }
}
