using System.Text;
using Portable.Core.Patterns.Orders;
using Portable.Engines;
using Portable.Gcp.State;
using Portable.HostsUnderTest;

namespace Portable.Conformance.Sagas;

/// <summary>
/// The order saga on Google Cloud as one Cloud Run service (the real Portable.Gcp with PORT set) serving both APIs
/// and, through a Pub/Sub push subscription on the topic <c>order-saga</c>, the coordinator at
/// <c>/order-saga-coordinator</c> (<see cref="PubSubPushHost"/>, pushing in the background). The service publishes
/// every step request to that topic through <c>PUBSUB_EMULATOR_HOST</c>, as it would to Pub/Sub, and keeps its state in
/// PostgreSQL (as Cloud SQL), which payments are read from.
/// </summary>
internal sealed class GcpOrderSagaHost : IOrderSagaHost
{
    private readonly PostgresFixture _postgres;
    private readonly PubSubPushHost _host;
    private readonly PostgresStateStore _store;
    private readonly HttpClient _client;

    private GcpOrderSagaHost(PostgresFixture postgres, PubSubPushHost host, PostgresStateStore store)
    {
        _postgres = postgres;
        _host = host;
        _store = store;
        _client = host.Service.CreateClient(HostDefaults.RequestTimeout);
    }

    public string Name => "gcp";

    public string Wiring => $"one Cloud Run service, Pub/Sub push of {OrderSaga.Queue} to /{OrderSaga.CoordinatorFunctionName} ({_host.PubSub.SubscriptionName}, up to {MaxOutstandingPushes} pushes in flight), state in PostgreSQL";

    public HttpClient Inventory => _client;

    public HttpClient Orders => _client;

    public string Output => _host.Service.Process.Output;

    private int MaxOutstandingPushes { get; init; }

    /// <summary>Starts PostgreSQL, then the service and its push subscription with <paramref name="pushes"/> pushes in flight at most.</summary>
    public static async Task<IOrderSagaHost> StartAsync(int pushes)
    {
        var postgres = new PostgresFixture();
        PubSubPushHost? host = null;
        try
        {
            await postgres.InitializeAsync();
            var connection = postgres.ConnectionString + ";Maximum Pool Size=40";
            host = await PubSubPushHost.StartAsync(
                o => o with { MaxOutstandingPushes = pushes },
                new Dictionary<string, string?>(StringComparer.Ordinal) { [PostgresStateStoreOptions.ConnectionVariable] = connection },
                topic: OrderSaga.Queue,
                function: OrderSaga.CoordinatorFunctionName);
            var store = await PostgresStateStoreOptions.CreateAsync(new PostgresStateStoreOptions(postgres.ConnectionString), TimeProvider.System);
            host.StartPushing();
            return new GcpOrderSagaHost(postgres, host, store) { MaxOutstandingPushes = pushes };
        }
        catch
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }

            await postgres.DisposeAsync();
            throw;
        }
    }

    public Task PublishStepAsync(string request)
    {
        _host.PubSub.Publish(OrderSaga.Queue, Encoding.UTF8.GetBytes(request));
        return Task.CompletedTask;
    }

    public Task<bool> IsQueueIdleAsync() => Task.FromResult(_host.PubSub.PendingCount == 0); // a message being pushed stays until its answer settles it

    public Task<int> DeadLetterCountAsync() => Task.FromResult(_host.PubSub.Messages(OrderSaga.Queue + PubSubPushHost.DeadLetterSuffix).Count);

    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(_store).GetAsync(orderId, CancellationToken.None);

    public void ThrowIfBroken()
    {
        _host.Pusher?.ThrowIfFaulted();
        if (_host.Service.Process.HasExited)
        {
            throw new InvalidOperationException($"The Cloud Run service exited with code {_host.Service.Process.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _store.DisposeAsync();
        await _host.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}
