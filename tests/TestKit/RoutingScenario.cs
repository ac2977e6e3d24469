using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Events;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Messaging;

namespace Portable.TestKit;

/// <summary>
/// One content-based routing scenario for every host, so each routes the same events to the same functions: an HTTP
/// function (<c>POST /publish</c> with an array of <c>{source, detail-type, detail}</c>) that publishes through the
/// host's <see cref="IEventPublisher"/>, and three event functions whose rules use exact, numeric, prefix and
/// anything-but matching. Each event's <c>detail.ref</c> names it across hosts (a bus may give it a new id); a
/// <c>failFirst</c> event fails its first attempt at a function (transient), a <c>poison</c> one fails for good.
/// Every attempt is recorded in <see cref="Attempts"/>.
/// </summary>
public sealed class RoutingScenario
{
    /// <summary>The HTTP function that publishes.</summary>
    public const string PublisherFunction = "event-publisher";

    /// <summary>Inventory reservations.</summary>
    public const string ChargePayment = "charge-payment";

    /// <summary>The rule of <see cref="ChargePayment"/>.</summary>
    public const string ChargePaymentRule = "on-inventory-reserved";

    /// <summary>Orders and reservations of 1000 or more.</summary>
    public const string BigOrderAudit = "big-order-audit";

    /// <summary>The rule of <see cref="BigOrderAudit"/>.</summary>
    public const string BigOrderAuditRule = "audit-big-orders";

    /// <summary>Shipments, except by drone.</summary>
    public const string NotifyShipping = "notify-shipping";

    /// <summary>The rule of <see cref="NotifyShipping"/>.</summary>
    public const string NotifyShippingRule = "on-shipment-created";

    /// <summary>The events, as <c>POST /publish</c> takes them.</summary>
    public const string Events = """
        [
          {"source": "inventory", "detail-type": "inventory.reserved", "detail": {"ref": "e1", "total": 1200}},
          {"source": "inventory", "detail-type": "inventory.reserved", "detail": {"ref": "e2", "total": 10}},
          {"source": "orders", "detail-type": "order.placed", "detail": {"ref": "e3", "total": 5000}},
          {"source": "shipping", "detail-type": "shipment.created", "detail": {"ref": "e4", "carrier": "ups", "failFirst": true}},
          {"source": "shipping", "detail-type": "shipment.created", "detail": {"ref": "e5", "carrier": "drone"}},
          {"source": "payments", "detail-type": "payment.charged", "detail": {"ref": "e6", "total": 2000}},
          {"source": "orders", "detail-type": "order.placed", "detail": {"ref": "e7", "total": 1000, "poison": true}}
        ]
        """;

    private readonly ConcurrentQueue<RoutingAttempt> _attempts = new();
    private readonly ConcurrentDictionary<string, bool> _failedOnce = new(StringComparer.Ordinal);

    /// <summary>Builds the scenario's app; its handlers record into this instance.</summary>
    public RoutingScenario()
    {
        Manifest = new FunctionManifestBuilder()
            .AddHttp(PublisherFunction, routes => routes.Map("POST", "/publish", services =>
            {
                var bus = services.GetRequiredService<IEventPublisher>();
                var clock = services.GetRequiredService<TimeProvider>();
                return (request, _, ct) => PublishAsync(bus, clock, request, ct);
            }))
            .AddEventFunction(ChargePayment, ChargePaymentRule, """{"source": ["inventory"], "detail-type": ["inventory.reserved"]}""", Handle)
            .AddEventFunction(BigOrderAudit, BigOrderAuditRule, """{"source": ["orders", "inventory"], "detail": {"total": [{"numeric": [">=", 1000]}]}}""", Handle)
            .AddEventFunction(NotifyShipping, NotifyShippingRule, """{"detail-type": [{"prefix": "shipment."}], "detail": {"carrier": [{"anything-but": "drone"}]}}""", Handle)
            .Build();
        App = new FunctionApp(Manifest);
    }

    /// <summary>The manifest.</summary>
    public FunctionManifest Manifest { get; }

    /// <summary>The app (no services beyond Portable's).</summary>
    public FunctionApp App { get; }

    /// <summary>Every attempt any event function made, in the order they finished.</summary>
    public IReadOnlyList<RoutingAttempt> Attempts => [.. _attempts];

    /// <summary>
    /// Takes, in place of this instance's own, the attempts the scenario's handlers recorded in another process (an
    /// isolated worker's <c>GET /attempts</c>), so a host whose functions run out of process settles and is read alike.
    /// </summary>
    public void ReplaceAttempts(IEnumerable<RoutingAttempt> reported)
    {
        ArgumentNullException.ThrowIfNull(reported);
        var attempts = reported.ToList();
        _attempts.Clear();
        foreach (var attempt in attempts)
        {
            _attempts.Enqueue(attempt);
        }
    }

    /// <summary>What every host must end with: the event functions that handled each event, by <c>ref</c>.</summary>
    public static IReadOnlyList<string> ExpectedHandled { get; } =
        [$"e1:{BigOrderAudit}", $"e1:{ChargePayment}", $"e2:{ChargePayment}", $"e3:{BigOrderAudit}", $"e4:{NotifyShipping}"];

    /// <summary>What every host must have dead-lettered, by <c>ref</c> and function.</summary>
    public static IReadOnlyList<string> ExpectedPoisoned { get; } = [$"e7:{BigOrderAudit}"];

    /// <summary>The attempts that failed and were retried, by <c>ref</c> and function.</summary>
    public static IReadOnlyList<string> ExpectedFailedOnce { get; } = [$"e4:{NotifyShipping}"];

    /// <summary>The handled attempts as sorted <c>ref:function</c>.</summary>
    public IReadOnlyList<string> Handled => Of(RoutingAttempt.Handled);

    /// <summary>The poisoned attempts as sorted <c>ref:function</c>.</summary>
    public IReadOnlyList<string> Poisoned => Of(RoutingAttempt.Poisoned);

    /// <summary>The failed (transient) attempts as sorted <c>ref:function</c>.</summary>
    public IReadOnlyList<string> Failed => Of(RoutingAttempt.Failed);

    /// <summary>True once every expected attempt has been made: handled, poisoned and failed.</summary>
    public bool IsSettled =>
        Handled.SequenceEqual(ExpectedHandled) && Poisoned.SequenceEqual(ExpectedPoisoned) && Failed.SequenceEqual(ExpectedFailedOnce);

    private IReadOnlyList<string> Of(string outcome) =>
        [.. _attempts.Where(a => a.Outcome == outcome).Select(a => $"{a.Ref}:{a.Function}").Order(StringComparer.Ordinal)];

    private ValueTask<MessageResult> Handle(PortableEvent @event, FunctionContext context, CancellationToken cancellationToken)
    {
        var reference = @event.Detail.TryGetProperty("ref", out var r) ? r.GetString() ?? "?" : "?";
        var attempt = new RoutingAttempt(context.FunctionName, reference, @event.Id, context.DeliveryCount, RoutingAttempt.Handled);
        if (@event.Detail.TryGetProperty("poison", out var poison) && poison.ValueKind == JsonValueKind.True)
        {
            _attempts.Enqueue(attempt with { Outcome = RoutingAttempt.Poisoned });
            throw new PermanentFailureException($"{reference} is poison for {context.FunctionName}");
        }

        if (@event.Detail.TryGetProperty("failFirst", out var failFirst) && failFirst.ValueKind == JsonValueKind.True
            && _failedOnce.TryAdd($"{reference}:{context.FunctionName}", true))
        {
            _attempts.Enqueue(attempt with { Outcome = RoutingAttempt.Failed });
            throw new IOException($"{context.FunctionName} is briefly unavailable for {reference}");
        }

        _attempts.Enqueue(attempt);
        return ValueTask.FromResult(MessageResult.Success);
    }

    private static async ValueTask<PortableHttpResponse> PublishAsync(IEventPublisher bus, TimeProvider clock, PortableHttpRequest request, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(request.Body);
        var events = new List<PortableEvent>();
        foreach (var item in document.RootElement.EnumerateArray())
        {
            events.Add(new PortableEvent
            {
                Id = Guid.NewGuid().ToString(),
                Source = item.GetProperty("source").GetString()!,
                DetailType = item.GetProperty("detail-type").GetString()!,
                Time = clock.GetUtcNow(),
                Detail = item.GetProperty("detail").Clone(),
            });
        }

        var ids = await bus.PublishAsync(events, cancellationToken).ConfigureAwait(false);
        return new PortableHttpResponse
        {
            StatusCode = 202,
            Headers = HeaderMap.Empty.With("Content-Type", "application/json"),
            Body = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(ids.ToArray(), TestKitJsonContext.Default.StringArray)),
        };
    }
}

/// <summary>One attempt of an event function in <see cref="RoutingScenario"/>.</summary>
/// <param name="Function">The function.</param>
/// <param name="Ref">The event's <c>detail.ref</c>.</param>
/// <param name="EventId">The event's id on the bus.</param>
/// <param name="DeliveryCount">The delivery count the function saw.</param>
/// <param name="Outcome"><see cref="Handled"/>, <see cref="Failed"/> or <see cref="Poisoned"/>.</param>
public sealed record RoutingAttempt(string Function, string Ref, string EventId, int DeliveryCount, string Outcome)
{
    /// <summary>The function handled the event.</summary>
    public const string Handled = "handled";

    /// <summary>The attempt failed transiently.</summary>
    public const string Failed = "failed";

    /// <summary>The attempt failed for good.</summary>
    public const string Poisoned = "poisoned";
}

/// <summary>Source-generated JSON for the test kit's documents.</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(string[]))]
internal sealed partial class TestKitJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
