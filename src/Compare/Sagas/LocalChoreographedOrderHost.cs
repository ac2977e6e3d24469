using System.Net;
using System.Text;
using Portable.Compare.Hosts;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;

namespace Portable.Compare.Sagas;

/// <summary>
/// The choreographed order saga on the local host: one <c>portable run</c> process (<see cref="LocalHostProcess"/>)
/// with <c>PORTABLE_ORDERS_SAGA=choreographed</c>, each step an event function fed by the local bus's durable SQLite
/// queues and publishing the next event itself; events are put on the bus with <c>POST /_local/events</c> and payments
/// read from <c>GET /_local/payments/{orderId}</c>.
/// </summary>
public sealed class LocalChoreographedOrderHost : IChoreographedOrderHost
{
    /// <summary>Where the local host takes events for its bus (src/Local's <c>LocalEventEndpoints.Path</c>).</summary>
    public const string EventsPath = "/_local/events";

    private readonly HttpClient _client;

    private LocalChoreographedOrderHost(LocalHostProcess host)
    {
        Process = host;
        _client = host.CreateClient(HostDefaults.RequestTimeout);
    }

    /// <summary>The process.</summary>
    public LocalHostProcess Process { get; }

    /// <inheritdoc />
    public string Name => "local";

    /// <inheritdoc />
    public string Wiring => $"portable run with {OrderChoreography.ModeVariable}={OrderChoreography.Choreographed}: both APIs, each event function fed by the local bus's durable SQLite queues, state in the same SQLite file";

    /// <inheritdoc />
    public HttpClient Inventory => _client;

    /// <inheritdoc />
    public HttpClient Orders => _client;

    /// <inheritdoc />
    public string Output => Process.Output;

    /// <summary>Starts <c>portable run</c> choreographed, with an empty data folder.</summary>
    /// <param name="cancellationToken">Stops waiting for the host.</param>
    public static async Task<LocalChoreographedOrderHost> StartAsync(CancellationToken cancellationToken = default) =>
        new(await LocalHostProcess.StartAsync(
            environment: new Dictionary<string, string?>(StringComparer.Ordinal) { [OrderChoreography.ModeVariable] = OrderChoreography.Choreographed },
            maxOutputLines: 20_000,
            cancellationToken: cancellationToken));

    /// <inheritdoc />
    public async Task PublishAsync(string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await _client.PostAsync(new Uri(EventsPath, UriKind.Relative), content);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST {EventsPath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>True when every event function's queue on the local bus (one per rule, named after it) holds nothing, waiting or leased.</summary>
    public async Task<bool> IsIdleAsync()
    {
        foreach (var handler in OrderChoreography.Handlers)
        {
            if ((await Process.DepthAsync(OrderChoreography.FunctionName(handler))).Messages > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public Task<PaymentRecord> PaymentAsync(string orderId) => LocalOrderSagaHost.PaymentOverHttpAsync(_client, orderId);

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
        await Process.DisposeAsync();
    }
}
