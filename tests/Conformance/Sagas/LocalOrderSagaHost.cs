using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Portable.Core.Patterns.Orders;
using Portable.Compare.Hosts;
using Portable.Local.Payments;
using Portable.Local.State;

namespace Portable.Conformance.Sagas;

/// <summary>
/// The local host as its users run it (<see cref="LocalHostProcess"/>): one <c>portable run</c> process serving
/// <c>inventory-api</c> and <c>orders-api</c>, its own worker delivering <c>order-saga</c> from the durable SQLite
/// queue to the coordinator, state in the same SQLite file, which payments are read from (and checked against the
/// host's <c>GET /_local/payments/{orderId}</c>).
/// </summary>
internal sealed class LocalOrderSagaHost : IOrderSagaHost
{
    private readonly HttpClient _client;
    private readonly SqliteStateStore _store;

    private LocalOrderSagaHost(LocalHostProcess host)
    {
        Process = host;
        _client = host.CreateClient(HostDefaults.RequestTimeout);
        _store = new SqliteStateStore(host.DatabasePath, TimeProvider.System);
    }

    /// <summary>The process, for the kill drill.</summary>
    public LocalHostProcess Process { get; }

    /// <summary>The host's state store, read from its SQLite file (also while the host is down).</summary>
    public SqliteStateStore Store => _store;

    public string Name => "local";

    public string Wiring => "portable run: both APIs, the coordinator on the SQLite queue order-saga, state in the same SQLite file";

    public HttpClient Inventory => _client;

    public HttpClient Orders => _client;

    public string Output => Process.Output;

    /// <summary>Starts <c>portable run</c> with an empty data folder and the extra <c>run</c> options <paramref name="arguments"/>.</summary>
    public static async Task<LocalOrderSagaHost> StartAsync(IReadOnlyList<string>? arguments = null) =>
        new(await LocalHostProcess.StartAsync(arguments: arguments, maxOutputLines: 20_000));

    public Task PublishStepAsync(string request) => Process.EnqueueAsync(OrderSaga.Queue, request);

    public async Task<bool> IsQueueIdleAsync() => (await Process.DepthAsync(OrderSaga.Queue)).Messages == 0;

    public async Task<int> DeadLetterCountAsync() => (int)(await Process.DepthAsync(OrderSaga.Queue)).DeadLetters;

    /// <summary>
    /// The record in the host's SQLite file (with the keys applied), checked against what the host's own simulated
    /// payment service answers at <c>GET /_local/payments/{orderId}</c>.
    /// </summary>
    public async Task<PaymentRecord> PaymentAsync(string orderId)
    {
        var record = await new SimulatedPaymentService(_store).GetAsync(orderId, CancellationToken.None);
        using var response = await _client.GetAsync(new Uri($"{LocalPaymentEndpoints.Prefix}/{orderId}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {LocalPaymentEndpoints.Prefix}/{orderId} answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        var (charged, refunded) = (json.RootElement.GetProperty("charged").GetDecimal(), json.RootElement.GetProperty("refunded").GetDecimal());
        return (charged, refunded) == (record.Charged, record.Refunded)
            ? record
            : throw new InvalidOperationException($"GET {LocalPaymentEndpoints.Prefix}/{orderId} answered {text}, the host's store holds {record.Charged} charged and {record.Refunded} refunded.");
    }

    public void ThrowIfBroken()
    {
        if (Process.Process.HasExited)
        {
            throw new InvalidOperationException($"portable run exited with code {Process.Process.ExitCode}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        SqliteConnection.ClearAllPools(); // the store's pooled connections hold the file the host deletes
        await Process.DisposeAsync();
    }
}
