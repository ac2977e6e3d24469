using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Portable.Compare.Hosts;
using Portable.Core.Patterns.Orders;
using Portable.Core.State;

namespace Portable.Compare.Sagas;

/// <summary>
/// The local host as its users run it (<see cref="LocalHostProcess"/>): one <c>portable run</c> process serving
/// <c>inventory-api</c> and <c>orders-api</c>, its own worker delivering <c>order-saga</c> from the durable SQLite
/// queue to the coordinator, state in the same SQLite file. Payments are read from the host's own simulated payment
/// service (<c>GET /_local/payments/{orderId}</c>) and, when the starter opens the host's store (src/Local's SQLite
/// store, which this library cannot reference), from the store too, checked against each other.
/// </summary>
public sealed class LocalOrderSagaHost : IOrderSagaHost
{
    /// <summary>Where the local host serves its simulated payment service (src/Local's <c>LocalPaymentEndpoints.Prefix</c>).</summary>
    public const string PaymentsPath = "/_local/payments";

    private readonly HttpClient _client;

    private LocalOrderSagaHost(LocalHostProcess host, IStateStore? store)
    {
        Process = host;
        Store = store;
        _client = host.CreateClient(HostDefaults.RequestTimeout);
    }

    /// <summary>The process, for the kill drill.</summary>
    public LocalHostProcess Process { get; }

    /// <summary>The host's state store as the starter opened it on the SQLite file (also readable while the host is down); null when none was opened.</summary>
    public IStateStore? Store { get; }

    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public string Wiring => "portable run: both APIs, the coordinator on the SQLite queue order-saga, state in the same SQLite file";

    /// <inheritdoc />
    public HttpClient Inventory => _client;

    /// <inheritdoc />
    public HttpClient Orders => _client;

    /// <inheritdoc />
    public string Output => Process.Output;

    /// <summary>Starts <c>portable run</c> with an empty data folder and the extra <c>run</c> options <paramref name="arguments"/>.</summary>
    /// <param name="arguments">Options after <c>run</c>, e.g. <c>--queue-visibility 2</c>.</param>
    /// <param name="openStore">Opens the host's state store on its SQLite file (given its path); null to read payments over HTTP only.</param>
    /// <param name="cancellationToken">Stops waiting for the host.</param>
    public static async Task<LocalOrderSagaHost> StartAsync(
        IReadOnlyList<string>? arguments = null,
        Func<string, IStateStore>? openStore = null,
        CancellationToken cancellationToken = default)
    {
        var process = await LocalHostProcess.StartAsync(arguments: arguments, maxOutputLines: 20_000, cancellationToken: cancellationToken);
        try
        {
            return new LocalOrderSagaHost(process, openStore?.Invoke(process.DatabasePath));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public Task PublishStepAsync(string request) => Process.EnqueueAsync(OrderSaga.Queue, request);

    /// <inheritdoc />
    public async Task<bool> IsQueueIdleAsync() => (await Process.DepthAsync(OrderSaga.Queue)).Messages == 0;

    /// <inheritdoc />
    public async Task<int> DeadLetterCountAsync() => (int)(await Process.DepthAsync(OrderSaga.Queue)).DeadLetters;

    /// <summary>
    /// What the host's own simulated payment service answers at <c>GET /_local/payments/{orderId}</c>; with a
    /// <see cref="Store"/>, the record in the host's SQLite file (with the keys applied), checked against that answer.
    /// </summary>
    /// <param name="orderId">The order.</param>
    public async Task<PaymentRecord> PaymentAsync(string orderId)
    {
        var answered = await PaymentOverHttpAsync(_client, orderId);
        if (Store is null)
        {
            return answered;
        }

        var record = await new SimulatedPaymentService(Store).GetAsync(orderId, CancellationToken.None);
        return (record.Charged, record.Refunded) == (answered.Charged, answered.Refunded)
            ? record
            : throw new InvalidOperationException($"GET {PaymentsPath}/{orderId} answered {answered.Charged} charged and {answered.Refunded} refunded, the host's store holds {record.Charged} and {record.Refunded}.");
    }

    /// <inheritdoc />
    public void ThrowIfBroken()
    {
        if (Process.Process.HasExited)
        {
            throw new InvalidOperationException($"portable run exited with code {Process.Process.ExitCode}.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        SqliteConnection.ClearAllPools(); // a store's pooled connections hold the file the host deletes
        await Process.DisposeAsync();
    }

    /// <summary><c>GET /_local/payments/{orderId}</c> on a local host: charged and refunded (the answer has no idempotency keys).</summary>
    /// <param name="client">A client on the host.</param>
    /// <param name="orderId">The order.</param>
    internal static async Task<PaymentRecord> PaymentOverHttpAsync(HttpClient client, string orderId)
    {
        using var response = await client.GetAsync(new Uri($"{PaymentsPath}/{orderId}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"GET {PaymentsPath}/{orderId} answered {(int)response.StatusCode}: {text}");
        }

        using var json = JsonDocument.Parse(text);
        return new PaymentRecord(json.RootElement.GetProperty("charged").GetDecimal(), json.RootElement.GetProperty("refunded").GetDecimal(), []);
    }
}
