using System.Text.Json;
using Portable.Azure.Events;
using Portable.Azure.Messaging;
using Portable.Compare.Apps;
using Portable.Core.Events;
using Portable.Core.Patterns.Choreography;
using Portable.Core.Patterns.Orders;
using Portable.Core.State;

namespace Portable.Compare.Sagas;

/// <summary>
/// The choreographed order saga as an Azure Functions app (<see cref="AzureAppUnderTest"/>): src/Azure's isolated worker
/// under the Functions host emulator run with <c>PORTABLE_ORDERS_SAGA=choreographed</c>, its storage account in Azurite.
/// The worker publishes every event (<see cref="StorageQueueEventPublisher"/>) to the Storage queue
/// <c>portable-events</c>; the event router <c>portable-event-router</c>, a <c>queueTrigger</c> there, forwards each to
/// <c>events-{rule}</c> of every rule it matches, and each of the seven event functions is a <c>queueTrigger</c> on its
/// rule's queue — the host's ordinary queue listener (<see cref="Portable.Compare.Hosts.StorageQueueListener"/>) and
/// dispatch run them all. State is in Table Storage on the same account, which payments are read from.
/// </summary>
public sealed class AzureChoreographedOrderHost : IChoreographedOrderHost
{
    private readonly StorageQueueEventPublisher _publisher;

    private AzureChoreographedOrderHost(AzureAppUnderTest app, int batchSize)
    {
        App = app;
        BatchSize = batchSize;
        _publisher = new StorageQueueEventPublisher(new StorageQueuePublisher(StorageQueuePublisher.CreateService(app.ConnectionString)));
    }

    /// <summary>The host emulator, its worker, its listener and the account.</summary>
    public AzureAppUnderTest App { get; }

    /// <summary>Queue messages the host processes at once.</summary>
    public int BatchSize { get; }

    /// <summary>The rule queues, one per event function.</summary>
    public static IReadOnlyList<string> RuleQueues { get; } = [.. OrderChoreography.Handlers.Select(h => EventQueues.OfRule(OrderChoreography.FunctionName(h)))];

    /// <inheritdoc />
    public string Name => "azure";

    /// <inheritdoc />
    public HttpClient Inventory => App.Client;

    /// <inheritdoc />
    public HttpClient Orders => App.Client;

    /// <inheritdoc />
    public string Output => App.Output;

    /// <summary>How the worker, the queues and the store are wired, for the test output.</summary>
    public string Wiring => $"one isolated worker under the Functions host emulator with {OrderChoreography.ModeVariable}={OrderChoreography.Choreographed}, publishing to the Storage queue {EventQueues.RouterQueue} (Azurite); {EventQueues.RouterFunctionName} forwarding to {RuleQueues.Count} rule queues {EventQueues.RuleQueuePrefix}{{rule}}, each event function their queueTrigger ({BatchSize} messages at once), state in Table Storage";

    /// <summary>Starts Azurite, then the app with <paramref name="batchSize"/> queue messages processed at once, then the host's queue listener.</summary>
    /// <param name="batchSize">Queue messages processed at once.</param>
    /// <param name="cancellationToken">Stops waiting for Azurite.</param>
    public static async Task<AzureChoreographedOrderHost> StartAsync(int batchSize, CancellationToken cancellationToken = default) =>
        new(await AzureAppUnderTest.StartAsync("choreographed", batchSize, o => o with
        {
            Environment = new Dictionary<string, string>(o.Environment, StringComparer.Ordinal)
            {
                [OrderChoreography.ModeVariable] = OrderChoreography.Choreographed,
            },
        }, cancellationToken), batchSize);

    /// <inheritdoc />
    public void ThrowIfBroken() => App.ThrowIfBroken();

    /// <summary>True when the router's queue and every rule queue hold nothing, in the account or in the host.</summary>
    public async Task<bool> IsIdleAsync()
    {
        foreach (var queue in RuleQueues.Prepend(EventQueues.RouterQueue))
        {
            if (!await App.IsQueueIdleAsync(queue))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Puts one event (EventBridge JSON: <c>source</c>, <c>detail-type</c>, <c>detail</c>) on <c>portable-events</c> as the worker's publisher does, with a new id.</summary>
    /// <param name="json">The event.</param>
    public async Task PublishAsync(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        var root = parsed.RootElement;
        await _publisher.PublishAsync(
            [new PortableEvent
            {
                Id = SortableId.New(TimeProvider.System),
                Source = root.GetProperty("source").GetString()!,
                DetailType = root.GetProperty("detail-type").GetString()!,
                Time = TimeProvider.System.GetUtcNow(),
                Detail = root.GetProperty("detail").Clone(),
            }],
            CancellationToken.None);
    }

    /// <inheritdoc />
    public async Task<PaymentRecord> PaymentAsync(string orderId) => await new SimulatedPaymentService(App.Store).GetAsync(orderId, CancellationToken.None);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => App.DisposeAsync();
}
