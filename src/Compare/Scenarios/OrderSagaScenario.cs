using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Portable.Compare.Model;
using Portable.Compare.Sagas;
using Portable.Core.Patterns.Choreography;

namespace Portable.Compare.Scenarios;

/// <summary>
/// The order saga on one path (<see cref="OrderSagaPath"/>), in one mode: <c>orchestrated</c> (Portable's queue-driven
/// coordinator, one queue message per step, on every host) or <c>choreographed</c> (<c>PORTABLE_ORDERS_SAGA=choreographed</c>:
/// no orchestrator, each step an event function on the platform's bus). Each run starts the host with the conformance
/// suite's wiring (src/Compare/Sagas), stocks one SKU, places <see cref="Orders"/> orders of the path at once over
/// HTTP and reads each until it ends, then checks every order's status, reason and steps and what the payment service
/// and the stock saw against the path's rules.
/// </summary>
public sealed class OrderSagaScenario : ICompareScenario
{
    /// <summary>The mode whose saga Portable's coordinator runs (the default).</summary>
    public const string Orchestrated = OrderChoreography.Orchestrated;

    /// <summary>The mode whose saga runs as event functions on the platform's bus.</summary>
    public const string Choreographed = OrderChoreography.Choreographed;

    /// <summary>Orders of the path placed at once in a run: the latency samples.</summary>
    public const int Orders = 5;

    /// <summary>Units each order takes.</summary>
    public const int Quantity = 2;

    /// <summary>The SKU's unit price: each order's total is 2.50.</summary>
    public const decimal Price = 1.25m;

    /// <summary>Units the SKU starts with: twice what the orders take, so no order runs out.</summary>
    public const int Stock = Orders * Quantity * 2;

    // Generous for a loaded two-core machine: the paths here wait no retry backoff, but every step is a queue hop.
    private static readonly TimeSpan OrderDeadline = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan IdleDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    // The hosts' concurrency, as the conformance suite runs them.
    private const int AwsCoordinatorEnvironments = 3;
    private const int GcpOutstandingPushes = 8;
    private const int AzureBatchSize = 8;

    /// <summary>A scenario of <paramref name="path"/> in <paramref name="mode"/>.</summary>
    /// <param name="mode"><see cref="Orchestrated"/> or <see cref="Choreographed"/>.</param>
    /// <param name="path">The path.</param>
    public OrderSagaScenario(string mode, OrderSagaPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (mode is not (Orchestrated or Choreographed))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"{Orchestrated} or {Choreographed}");
        }

        Mode = mode;
        Path = path;
    }

    /// <summary>Every (mode, path) pair: orchestrated first, each mode's paths in <see cref="OrderSagaPath.All"/>'s order.</summary>
    public static IReadOnlyList<OrderSagaScenario> All { get; } =
        [.. new[] { Orchestrated, Choreographed }.SelectMany(mode => OrderSagaPath.All.Select(path => new OrderSagaScenario(mode, path)))];

    /// <summary><see cref="Orchestrated"/> or <see cref="Choreographed"/>.</summary>
    public string Mode { get; }

    /// <summary>The path driven.</summary>
    public OrderSagaPath Path { get; }

    /// <inheritdoc />
    public string Id => $"saga-{Mode}-{Path.Id}";

    /// <inheritdoc />
    public string Pattern => "Saga";

    /// <inheritdoc />
    public string Title => $"Order saga, {Mode}: {Path.Title}";

    /// <inheritdoc />
    public string Description =>
        $"{Path.Description} {Orders} orders of {Quantity} units placed at once with POST /orders, each read with GET /orders/{{id}} until it ends; "
        + (Mode == Orchestrated
            ? "Portable's coordinator runs each step from its own queue message."
            : "each step is an event function reacting to the previous step's event on the platform's bus.");

    /// <inheritdoc />
    public bool RunsLive => false;

    /// <inheritdoc />
    public async Task<HostResult> RunAsync(string host, ScenarioContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.StartNew();
        context.Progress($"[{host}] {Id}: starting the {Mode} saga's host");
        await using var target = await StartAsync(host, cancellationToken);
        var startup = started.Elapsed;
        context.Progress($"[{host}] {Id}: started in {startup.TotalSeconds:0.0} s: {target.Wiring}");

        var sku = $"widget-{Path.Id}";
        await OrderRequests.StockAsync(target, sku, Stock, Price, cancellationToken);
        var orders = await Task.WhenAll(Enumerable.Range(0, Orders).Select(_ => PlaceAsync(target, sku, cancellationToken)));
        context.Progress($"[{host}] {Id}: {Orders} orders placed{(Path.Duplicate ? ", each one's first " + (Mode == Orchestrated ? "step request" : "event") + " put a second time" : string.Empty)}");

        var ended = await EndedAsync(target, orders, cancellationToken);
        if (ended.Count < orders.Length)
        {
            context.Progress($"[{host}] {Id}: {orders.Length - ended.Count} order(s) had not ended after {OrderDeadline.TotalSeconds:0} s");
            return new HostResult
            {
                Host = host,
                Outcome = $"{ended.Count} of {orders.Length} ended",
                AsExpected = false,
                Limit = LimitOf(host),
                Note = $"{orders.Length - ended.Count} order(s) still running {OrderDeadline.TotalSeconds:0} s after they were placed.",
            };
        }

        context.Progress($"[{host}] {Id}: every order ended; waiting until the {(Mode == Orchestrated ? "queue" : "bus")} is idle");
        var idle = await IdleAsync(target, cancellationToken);
        var deadLetters = target is IOrderSagaHost saga ? await saga.DeadLetterCountAsync() : 0;

        var (available, reserved) = await OrderRequests.StockOfAsync(target, sku, cancellationToken);
        var views = new List<OrderView>();
        foreach (var (id, time) in orders.Select(o => (o.Id, ended[o.Id].Elapsed)))
        {
            var order = await OrderRequests.OrderAsync(target, id, cancellationToken);
            var payment = await target.PaymentAsync(id);
            views.Add(new OrderView(order, payment.Charged, payment.Refunded, time));
        }

        var result = Measure(host, views, available, reserved, idle, deadLetters, startup);
        context.Progress($"[{host}] {Id}: {result.Outcome}; {result.Effects}");
        return result;
    }

    private HostResult Measure(string host, List<OrderView> views, int available, int reserved, bool idle, int deadLetters, TimeSpan startup)
    {
        var total = Quantity * Price;
        var statuses = views.GroupBy(v => OrderRequests.Status(v.Order)).ToList();
        var outcome = statuses.Count == 1 ? statuses[0].Key : string.Join(", ", statuses.Select(g => $"{g.Key} ×{g.Count()}"));

        var money = views.GroupBy(v => Money(v.Charged, v.Refunded, total)).ToList();
        var moneyText = money.Count == 1 ? money[0].Key : string.Join("; ", money.Select(g => $"{g.Key} ×{g.Count()}"));
        var expectedReserved = Path.Status == "completed" ? Orders * Quantity : 0;
        var stockText = (available, reserved) == (Stock - expectedReserved, expectedReserved)
            ? (expectedReserved == 0 ? "inventory released" : $"inventory reserved ({reserved} units)")
            : $"stock {available} available, {reserved} reserved of {Stock}";
        var effects = $"{moneyText} (each order); {stockText}";

        var wrong = new List<string>();
        foreach (var view in views)
        {
            var steps = OrderRequests.Steps(view.Order);
            if (OrderRequests.Status(view.Order) != Path.Status || OrderRequests.Reason(view.Order) != Path.Reason || !steps.SequenceEqual(Path.Steps))
            {
                wrong.Add($"{view.Order.GetProperty("id").GetString()} ended {OrderRequests.Status(view.Order)} ({OrderRequests.Reason(view.Order) ?? "no reason"}) after {string.Join(' ', steps)}");
            }
        }

        var expectedMoney = Money(Path.Charged ? total : 0, Path.Refunded ? total : 0, total);
        if (money.Count != 1 || money[0].Key != expectedMoney)
        {
            wrong.Add($"payments: {moneyText}; expected {expectedMoney}");
        }

        if ((available, reserved) != (Stock - expectedReserved, expectedReserved))
        {
            wrong.Add($"stock {available}/{reserved}; expected {Stock - expectedReserved}/{expectedReserved}");
        }

        if (!idle)
        {
            wrong.Add($"the {(Mode == Orchestrated ? "queue" : "bus")} still held messages {IdleDeadline.TotalSeconds:0} s after every order ended");
        }

        if (deadLetters > 0)
        {
            wrong.Add($"{deadLetters} step request(s) dead-lettered");
        }

        // A copy is suppressed when its order still ran every step once and was charged once, with the stock reserved once.
        int? suppressed = Path.Duplicate
            ? (reserved == expectedReserved ? views.Count(v => OrderRequests.Steps(v.Order).SequenceEqual(Path.Steps) && v.Charged == total) : 0)
            : null;
        var samples = views.Select(v => v.Elapsed).ToList();
        var attempts = views.Select(v => OrderRequests.Attempts(v.Order)).Distinct().ToList();
        return new HostResult
        {
            Host = host,
            Outcome = outcome,
            AsExpected = wrong.Count == 0,
            Attempts = attempts.Count == 1 ? attempts[0] : attempts.Max(),
            DuplicatesSuppressed = suppressed,
            Effects = effects,
            P50 = Percentiles.Of(samples, 50),
            P99 = Percentiles.Of(samples, 99),
            Limit = LimitOf(host),
            Note = string.Create(CultureInfo.InvariantCulture,
                $"{Orders} orders; latency from POST /orders to the first GET /orders/{{id}} showing the end (polled every {PollInterval.TotalMilliseconds:0} ms); attempts are each order's step attempts summed; host started in {startup.TotalSeconds:0.0} s.")
                + (wrong.Count == 0 ? string.Empty : " Not as the saga's rules say: " + string.Join("; ", wrong) + "."),
        };
    }

    private static string Money(decimal charged, decimal refunded, decimal total)
    {
        var charge = charged == 0 ? "never charged" : charged == total ? "charged once" : string.Create(CultureInfo.InvariantCulture, $"charged {charged:0.00} of {total:0.00}");
        return refunded == 0
            ? (charged == 0 ? charge : charge + ", not refunded")
            : charge + (refunded == charged ? ", refunded once" : string.Create(CultureInfo.InvariantCulture, $", refunded {refunded:0.00}"));
    }

    private async Task<(string Id, Stopwatch Clock)> PlaceAsync(IOrderHost target, string sku, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var id = await OrderRequests.PlaceAsync(target, Path.Customer, sku, Quantity, Path.Card, Path.Country, cancellationToken);
        if (Path.Duplicate)
        {
            switch (target)
            {
                case IOrderSagaHost saga:
                    await saga.PublishStepAsync($$"""{"saga":"order","sagaId":"{{id}}","step":"reserve-inventory","phase":"do","attempt":1}""");
                    break;
                case IChoreographedOrderHost bus:
                    await bus.PublishAsync($$$"""{"source":"{{{OrderChoreography.Source}}}","detail-type":"{{{OrderChoreography.OrderPlaced}}}","detail":{"{{{OrderChoreography.IdField}}}":"{{{id}}}"}}""");
                    break;
            }
        }

        return (id, clock);
    }

    // Reads every order not yet ended each round; an order's clock stops at the first read that shows its end.
    private static async Task<Dictionary<string, Stopwatch>> EndedAsync(IOrderHost target, (string Id, Stopwatch Clock)[] orders, CancellationToken cancellationToken)
    {
        var ended = new Dictionary<string, Stopwatch>(StringComparer.Ordinal);
        var deadline = Stopwatch.StartNew();
        while (ended.Count < orders.Length && deadline.Elapsed < OrderDeadline)
        {
            target.ThrowIfBroken();
            foreach (var (id, clock) in orders.Where(o => !ended.ContainsKey(o.Id)))
            {
                if (OrderRequests.Ended(await OrderRequests.OrderAsync(target, id, cancellationToken)))
                {
                    clock.Stop();
                    ended[id] = clock;
                }
            }

            if (ended.Count < orders.Length)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }

        return ended;
    }

    private static async Task<bool> IdleAsync(IOrderHost target, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < IdleDeadline)
        {
            target.ThrowIfBroken();
            var idle = target switch
            {
                IOrderSagaHost saga => await saga.IsQueueIdleAsync(),
                IChoreographedOrderHost bus => await bus.IsIdleAsync(),
                _ => true,
            };
            if (idle)
            {
                return true;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }

        return false;
    }

    private async Task<IOrderHost> StartAsync(string host, CancellationToken cancellationToken) => (Mode, host) switch
    {
        (Orchestrated, CompareHosts.Local) => await LocalOrderSagaHost.StartAsync(cancellationToken: cancellationToken),
        (Orchestrated, CompareHosts.Aws) => await AwsOrderSagaHost.StartAsync(AwsCoordinatorEnvironments, cancellationToken),
        (Orchestrated, CompareHosts.Gcp) => await GcpOrderSagaHost.StartAsync(GcpOutstandingPushes, cancellationToken),
        (Orchestrated, CompareHosts.Azure) => await AzureOrderSagaHost.StartAsync(AzureBatchSize, cancellationToken),
        (Choreographed, CompareHosts.Local) => await LocalChoreographedOrderHost.StartAsync(cancellationToken),
        (Choreographed, CompareHosts.Aws) => await AwsChoreographedOrderHost.StartAsync(cancellationToken),
        (Choreographed, CompareHosts.Gcp) => await GcpChoreographedOrderHost.StartAsync(GcpOutstandingPushes, cancellationToken),
        (Choreographed, CompareHosts.Azure) => await AzureChoreographedOrderHost.StartAsync(AzureBatchSize, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(host), host, $"One of {string.Join(", ", CompareHosts.All)}."),
    };

    // What runs the saga on each host here: the orchestrator, or the bus between the event functions.
    private string LimitOf(string host) => (Mode, host) switch
    {
        (Orchestrated, CompareHosts.Local) => "Portable's coordinator on the local durable SQLite queue, one message per step",
        (Orchestrated, CompareHosts.Aws) => "Portable's coordinator on SQS, one message per step (not the Step Functions state machine src/Deploy generates, which has no emulator here)",
        (Orchestrated, CompareHosts.Gcp) => "Portable's coordinator behind a Pub/Sub push subscription, one message per step (no Workflows)",
        (Orchestrated, CompareHosts.Azure) => "Portable's coordinator on a Storage queue trigger, one message per step (not the Durable runner, PORTABLE_SAGA_RUNNER=durable)",
        (Choreographed, CompareHosts.Local) => "the local event bus: a durable SQLite queue per rule",
        (Choreographed, CompareHosts.Aws) => "EventBridge: a rule per handler from aws/template.json, each invoking its Lambda function asynchronously with the rule's retry policy and dead-letter queue",
        (Choreographed, CompareHosts.Gcp) => "Pub/Sub topic portable-events, an Eventarc push trigger per rule (every trigger gets every event; the service applies the rule's pattern)",
        (Choreographed, CompareHosts.Azure) => "Storage queues: the router on portable-events forwards each event to events-{rule}, a queueTrigger per rule",
        _ => string.Empty,
    };

    private sealed record OrderView(JsonElement Order, decimal Charged, decimal Refunded, TimeSpan Elapsed);
}
