using System.Diagnostics;
using Portable.Compare.Sagas;
using Portable.Conformance.Hosts;
using Portable.Conformance.Sagas;
using Xunit.Abstractions;

namespace Portable.Conformance;

/// <summary>
/// The order saga through Portable's queue-driven coordinator on one host: every path of the rules, with the
/// same status, reason, step history, stock and money as the rules say (so the same on every host), and 200
/// concurrent orders of one unit against a stock of 100. Each host is its own class below, so the hosts run at once
/// (xunit runs classes in parallel) and each starts once for both tests.
/// </summary>
public abstract class OrderSagaConformanceTests(OrderSagaHostFixture fixture, ITestOutputHelper output)
{
    /// <summary>The concurrent orders and the stock they race for (issue 10's proof).</summary>
    public const int ConcurrentOrders = 200;

    /// <summary>The units in stock for <see cref="ConcurrentOrders"/>.</summary>
    public const int ConcurrentStock = 100;

    private static readonly TimeSpan ConcurrentDeadline = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task EveryPath_EndsAsTheSagaRulesSay_WithItsStockAndPayment()
    {
        var host = await fixture.HostAsync();
        output.WriteLine($"{host.Name}: {host.Wiring}; started in {fixture.Startup.TotalSeconds:0.0} s");
        var clock = Stopwatch.StartNew();

        var transcript = await OrderSagaScenario.RunEveryPathAsync(host);

        output.WriteLine($"{host.Name}: {OrderSagaScenario.Paths.Count} paths in {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var line in transcript)
        {
            output.WriteLine("  " + line);
        }

        if (ItemsScenario.Diff("the saga's rules", OrderSagaScenario.ExpectedTranscript, host.Name, transcript) is { } difference)
        {
            Assert.Fail(difference);
        }
    }

    [Fact]
    public async Task ConcurrentOrders_TwiceTheStock_ExactlyTheStockCompletesAndEveryOtherIsCompensatedWithNothingKept()
    {
        var host = await fixture.HostAsync();
        var run = await OrderSagaScenario.RunConcurrentOrdersAsync(host, ConcurrentOrders, ConcurrentStock, ConcurrentDeadline);
        output.WriteLine($"{host.Name}: {host.Wiring}");
        output.WriteLine($"{host.Name}: {ConcurrentOrders} orders placed in {run.Placing.TotalSeconds:0.0} s, all ended {run.Settling.TotalSeconds:0.0} s later: {run.Completed} completed, {run.Compensated} compensated");
        Assert.Equal((ConcurrentStock, ConcurrentOrders - ConcurrentStock), (run.Completed, run.Compensated));
    }
}

/// <summary>Starts one saga host for a class's tests, on first use, and disposes it after them.</summary>
public abstract class OrderSagaHostFixture : StartedHostFixture<IOrderSagaHost>;

/// <summary>The local host: <c>portable run</c>, the coordinator on its durable SQLite queue.</summary>
public sealed class LocalOrderSagaConformanceTests(LocalOrderSagaConformanceTests.Host host, ITestOutputHelper output)
    : OrderSagaConformanceTests(host, output), IClassFixture<LocalOrderSagaConformanceTests.Host>
{
    public sealed class Host : OrderSagaHostFixture
    {
        protected override async Task<IOrderSagaHost> StartAsync() => await LocalOrderSagaHost.StartAsync(openStore: OpenStore);

        // The payments are read from the host's SQLite file too (with the idempotency keys applied), and checked against its payment API.
        internal static Portable.Core.State.IStateStore OpenStore(string path) => new Portable.Local.State.SqliteStateStore(path, TimeProvider.System);
    }
}

/// <summary>AWS: inventory-api, orders-api and order-saga-coordinator as separate Lambda bootstraps, SQS and DynamoDB (dynalite) between them.</summary>
public sealed class AwsOrderSagaConformanceTests(AwsOrderSagaConformanceTests.Host host, ITestOutputHelper output)
    : OrderSagaConformanceTests(host, output), IClassFixture<AwsOrderSagaConformanceTests.Host>
{
    /// <summary>Execution environments of the coordinator: batches in flight at once.</summary>
    public const int CoordinatorEnvironments = 3;

    public sealed class Host : OrderSagaHostFixture
    {
        protected override Task<IOrderSagaHost> StartAsync() => AwsOrderSagaHost.StartAsync(CoordinatorEnvironments);
    }
}

/// <summary>Google Cloud: one Cloud Run service, the coordinator behind a Pub/Sub push subscription, state in PostgreSQL.</summary>
public sealed class GcpOrderSagaConformanceTests(GcpOrderSagaConformanceTests.Host host, ITestOutputHelper output)
    : OrderSagaConformanceTests(host, output), IClassFixture<GcpOrderSagaConformanceTests.Host>
{
    /// <summary>Pushes in flight at once.</summary>
    public const int OutstandingPushes = 8;

    public sealed class Host : OrderSagaHostFixture
    {
        protected override Task<IOrderSagaHost> StartAsync() => GcpOrderSagaHost.StartAsync(OutstandingPushes);
    }
}

/// <summary>Azure: the isolated worker under the Functions host emulator, the coordinator on a Storage queue, state in Table Storage (Azurite).</summary>
public sealed class AzureOrderSagaConformanceTests(AzureOrderSagaConformanceTests.Host host, ITestOutputHelper output)
    : OrderSagaConformanceTests(host, output), IClassFixture<AzureOrderSagaConformanceTests.Host>
{
    /// <summary>Queue messages the host processes at once (its queues extension's default <c>batchSize</c> is 16).</summary>
    public const int BatchSize = 8;

    public sealed class Host : OrderSagaHostFixture
    {
        protected override Task<IOrderSagaHost> StartAsync() => AzureOrderSagaHost.StartAsync(BatchSize);
    }
}
