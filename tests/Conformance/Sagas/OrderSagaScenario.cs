using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text;
using Portable.Compare.Sagas;
using Portable.Core.Patterns.Orders;

namespace Portable.Conformance.Sagas;

/// <summary>
/// One path of the order saga's rules (issue 10), with what every host must end it with: the order's status, reason
/// and step history (<c>step:phase:outcome:attempts</c>, in the order they ran), its SKU's stock and the simulated
/// payment service's record (amounts, and how many calls took effect).
/// </summary>
public sealed record SagaPath(
    string Name,
    string Customer,
    string Card,
    string Country,
    int Quantity,
    string Status,
    string? Reason,
    IReadOnlyList<string> Steps,
    int Available,
    int Reserved,
    decimal Charged,
    decimal Refunded,
    int PaymentCalls)
{
    /// <summary>The path's own SKU, so that each path's stock is its own.</summary>
    public string Sku => $"widget-{Name}";

    /// <summary>The transcript line every host must write for this path.</summary>
    public string Expected => OrderSagaScenario.Line(Name, Status, Reason, Steps, Available, Reserved, Charged, Refunded, PaymentCalls);
}

/// <summary>
/// The order saga driven through a host's own front doors, as its users drive it: stock is put with
/// <c>PUT /inventory/{sku}</c>, orders placed with <c>POST /orders</c>, and each order is read with
/// <c>GET /orders/{id}</c> until it is terminal — the coordinator runs every step in the background, one queue
/// message each, with the retry waits it really waits. Nothing sleeps a fixed time.
/// </summary>
public static class OrderSagaScenario
{
    /// <summary>A card the simulated payment service charges.</summary>
    public const string GoodCard = "4242424242424242";

    /// <summary>Units each path's SKU starts with.</summary>
    public const int Stock = 5;

    /// <summary>Each path's unit price: two units make a total of 2.50.</summary>
    public const decimal Price = 1.25m;

    /// <summary>
    /// How long one order may take to end: generous for a loaded two-core machine. The slowest path waits about
    /// 3.5 s of retry backoff (notify-customer: 0.5 + 1 + 2 s), and a host's one queue consumer waits every order's in turn.
    /// </summary>
    public static readonly TimeSpan OrderDeadline = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private static readonly string[] Completed = ["reserve-inventory:do:succeeded:1", "charge-payment:do:succeeded:1", "create-shipment:do:succeeded:1", "notify-customer:do:succeeded:1"];

    /// <summary>Every path of the issue's rules, and a success whose step requests are delivered twice.</summary>
    public static IReadOnlyList<SagaPath> Paths { get; } =
    [
        new("success", "ada", GoodCard, "GB", 2, "completed", null, Completed, 3, 2, 2.50m, 0m, 1),
        new("out-of-stock", "ada", GoodCard, "GB", 6, "compensated", "reserve-inventory: out of stock: widget-out-of-stock", ["reserve-inventory:do:failed:1"], 5, 0, 0m, 0m, 0),
        new("declined", "ada", SimulatedPaymentService.DeclinedCard, "GB", 2, "compensated", "charge-payment: payment refused: card declined",
            ["reserve-inventory:do:succeeded:1", "charge-payment:do:failed:1", "release-inventory:undo:succeeded:1"], 5, 0, 0m, 0m, 0),
        new("payment-timeout", "ada", SimulatedPaymentService.TimeoutCard, "GB", 2, "compensated", "charge-payment: The payment service did not answer in time. (after 3 attempts)",
            ["reserve-inventory:do:succeeded:1", "charge-payment:do:failed:3", "release-inventory:undo:succeeded:1"], 5, 0, 0m, 0m, 0),
        new("shipment-fails", "ada", GoodCard, OrderSteps.UnshippableCountry, 2, "compensated", "create-shipment: shipment refused: no carrier serves XX",
            ["reserve-inventory:do:succeeded:1", "charge-payment:do:succeeded:1", "create-shipment:do:failed:1", "refund-payment:undo:succeeded:1", "release-inventory:undo:succeeded:1"], 5, 0, 2.50m, 2.50m, 2),
        new("notify-fails", OrderSteps.UnreachableCustomer, GoodCard, "GB", 2, "completed", null,
            ["reserve-inventory:do:succeeded:1", "charge-payment:do:succeeded:1", "create-shipment:do:succeeded:1", "notify-customer:do:failed:4"], 3, 2, 2.50m, 0m, 1),
        new("duplicate", "ada", GoodCard, "GB", 2, "completed", null, Completed, 3, 2, 2.50m, 0m, 1),
    ];

    /// <summary>The expected transcript: one line per path, then the late duplicates' line.</summary>
    public static IReadOnlyList<string> ExpectedTranscript { get; } =
        [.. Paths.Select(p => p.Expected), "duplicate: late copies of charge-payment and notify-customer delivered, the order, its stock and its payment unchanged"];

    /// <summary>
    /// Walks every path at once on <paramref name="host"/> and returns its transcript. The duplicate path's first step
    /// request is published a second time as soon as the order is placed (two copies racing for the first step), and
    /// once everything has ended, copies of its charge-payment and notify-customer requests are published again and
    /// delivered (the queue goes idle); nothing may change. Throws on a host fault or an order that does not end.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RunEveryPathAsync(IOrderSagaHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        foreach (var path in Paths)
        {
            await StockAsync(host, path.Sku, Stock, Price);
        }

        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Paths)
        {
            ids[path.Name] = await PlaceAsync(host, path.Customer, path.Sku, path.Quantity, path.Card, path.Country);
            if (path.Name == "duplicate")
            {
                await host.PublishStepAsync(StepRequest(ids[path.Name], "reserve-inventory"));
            }
        }

        var clock = Stopwatch.StartNew();
        var orders = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var path in Paths)
        {
            orders[path.Name] = await TerminalAsync(host, ids[path.Name], clock, OrderDeadline);
        }

        var lines = new List<string>();
        foreach (var path in Paths)
        {
            var (available, reserved) = await StockOfAsync(host, path.Sku);
            var payment = await host.PaymentAsync(ids[path.Name]);
            lines.Add(Line(path.Name, orders[path.Name], available, reserved, payment));
        }

        lines.Add(await LateDuplicatesAsync(host, ids["duplicate"], "widget-duplicate"));
        var deadLetters = await host.DeadLetterCountAsync();
        Check(host, deadLetters == 0, $"{deadLetters} step request(s) were dead-lettered");
        return lines;
    }

    /// <summary>What <paramref name="orders"/> concurrent orders of one unit against a stock of <paramref name="stock"/> ended with.</summary>
    public sealed record ConcurrentRun(int Completed, int Compensated, TimeSpan Placing, TimeSpan Settling);

    /// <summary>
    /// Stocks <paramref name="stock"/> units of one SKU, places <paramref name="orders"/> orders of one unit at once,
    /// waits until every one has ended, and checks the issue's rule: exactly as many complete as there was stock, every
    /// other is compensated as out of stock, nothing is left available, and no order is left with a charge it kept
    /// unless it completed (a completed order is charged once).
    /// </summary>
    public static async Task<ConcurrentRun> RunConcurrentOrdersAsync(IOrderSagaHost host, int orders, int stock, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(host);
        const string sku = "gadget";
        const decimal price = 2.00m;
        await StockAsync(host, sku, stock, price);

        var placing = Stopwatch.StartNew();
        var ids = await Task.WhenAll(Enumerable.Range(0, orders).Select(i => PlaceAsync(host, $"buyer-{i}", sku, 1, GoodCard, "GB")));
        placing.Stop();

        var settling = Stopwatch.StartNew();
        var ended = new List<(string Id, JsonElement Order)>();
        foreach (var id in ids)
        {
            ended.Add((id, await TerminalAsync(host, id, settling, deadline)));
        }

        settling.Stop();
        var completed = ended.Where(e => Status(e.Order) == "completed").ToList();
        var compensated = ended.Where(e => Status(e.Order) == "compensated").ToList();
        Check(host, completed.Count + compensated.Count == orders, $"statuses other than completed/compensated: {string.Join(", ", ended.Select(e => Status(e.Order)).Distinct())}");
        Check(host, completed.Count == stock, $"{completed.Count} orders completed against a stock of {stock} ({compensated.Count} compensated)");
        foreach (var (id, order) in completed)
        {
            Check(host, Steps(order).SequenceEqual(Completed), $"completed order {id} ran {string.Join(' ', Steps(order))}");
        }

        var outOfStock = $"reserve-inventory: out of stock: {sku}";
        foreach (var (id, order) in compensated)
        {
            Check(host, Reason(order) == outOfStock && Steps(order).SequenceEqual(["reserve-inventory:do:failed:1"]), $"compensated order {id}: reason '{Reason(order)}', steps {string.Join(' ', Steps(order))}");
        }

        var (available, reserved) = await StockOfAsync(host, sku);
        Check(host, (available, reserved) == (0, stock), $"{sku} ended with {available} available and {reserved} reserved; expected 0 and {stock}");

        foreach (var (id, _) in completed)
        {
            var payment = await host.PaymentAsync(id);
            Check(host, payment.Charged == price && payment.Refunded == 0 && payment.AppliedKeys.Count == 1, $"completed order {id}: charged {payment.Charged}, refunded {payment.Refunded}, {payment.AppliedKeys.Count} call(s); expected one charge of {price}");
        }

        foreach (var (id, _) in compensated)
        {
            var payment = await host.PaymentAsync(id);
            Check(host, payment.Charged == payment.Refunded, $"compensated order {id} kept a charge: charged {payment.Charged}, refunded {payment.Refunded}");
        }

        var deadLetters = await host.DeadLetterCountAsync();
        Check(host, deadLetters == 0, $"{deadLetters} step request(s) were dead-lettered");
        return new ConcurrentRun(completed.Count, compensated.Count, placing.Elapsed, settling.Elapsed);
    }

    /// <summary>A transcript line.</summary>
    public static string Line(string name, string status, string? reason, IEnumerable<string> steps, int available, int reserved, decimal charged, decimal refunded, int paymentCalls) =>
        $"{name}: {status}; reason {reason ?? "none"}; steps {string.Join(' ', steps)}; stock {available} available, {reserved} reserved; "
        + $"payment {charged.ToString("0.00", CultureInfo.InvariantCulture)} charged, {refunded.ToString("0.00", CultureInfo.InvariantCulture)} refunded, {paymentCalls} call(s) applied";

    /// <summary>The transcript line of an ended order.</summary>
    public static string Line(string name, JsonElement order, int available, int reserved, PaymentRecord payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        return Line(name, Status(order), Reason(order), Steps(order), available, reserved, payment.Charged, payment.Refunded, payment.AppliedKeys.Count);
    }

    /// <summary>A step request as the coordinator publishes it.</summary>
    public static string StepRequest(string orderId, string step, string phase = "do", int attempt = 1) =>
        $$"""{"saga":"order","sagaId":"{{orderId}}","step":"{{step}}","phase":"{{phase}}","attempt":{{attempt}}}""";

    /// <summary><c>PUT /inventory/{sku}</c>.</summary>
    public static async Task StockAsync(IOrderSagaHost host, string sku, int available, decimal price)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var response = await host.Inventory.PutAsync(new Uri($"/inventory/{sku}", UriKind.Relative), Json($$"""{"available":{{available}},"price":{{price.ToString(CultureInfo.InvariantCulture)}}}"""));
        CheckAnswer(host, response.StatusCode == HttpStatusCode.OK, $"PUT /inventory/{sku} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary><c>POST /orders</c>; returns the order's id after checking the 202, its Location and its pending body.</summary>
    public static async Task<string> PlaceAsync(IOrderSagaHost host, string customer, string sku, int quantity, string card, string country)
    {
        ArgumentNullException.ThrowIfNull(host);
        var body = $$"""{"customer":"{{customer}}","items":[{"sku":"{{sku}}","quantity":{{quantity}}}],"card":"{{card}}","shippingCountry":"{{country}}"}""";
        using var response = await host.Orders.PostAsync(new Uri("/orders", UriKind.Relative), Json(body));
        var text = await response.Content.ReadAsStringAsync();
        CheckAnswer(host, response.StatusCode == HttpStatusCode.Accepted, $"POST /orders answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        var id = json.RootElement.GetProperty("id").GetString()!;
        Check(host, json.RootElement.GetProperty("status").GetString() == "pending", $"POST /orders answered {text}");
        Check(host, response.Headers.Location?.OriginalString == $"/orders/{id}", $"POST /orders gave Location '{response.Headers.Location}'");
        return id;
    }

    /// <summary><c>GET /orders/{id}</c> and its raw text.</summary>
    public static async Task<(JsonElement Order, string Text)> OrderAsync(IOrderSagaHost host, string id)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var response = await host.Orders.GetAsync(new Uri($"/orders/{id}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        CheckAnswer(host, response.StatusCode == HttpStatusCode.OK, $"GET /orders/{id} answered {(int)response.StatusCode}: {text}");
        return (JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    /// <summary>
    /// Reads <c>GET /orders/{id}</c> every 50 ms until the order is completed, compensated or failed; fails when
    /// <paramref name="clock"/> passes <paramref name="deadline"/> first, with the order and the host's latest output.
    /// </summary>
    public static async Task<JsonElement> TerminalAsync(IOrderSagaHost host, string id, Stopwatch clock, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(clock);
        while (true)
        {
            host.ThrowIfBroken();
            var (order, text) = await OrderAsync(host, id);
            if (Status(order) is "completed" or "compensated" or "failed")
            {
                return order;
            }

            if (clock.Elapsed > deadline)
            {
                throw new Xunit.Sdk.XunitException($"[{host.Name}] order {id} had not ended after {deadline.TotalSeconds:0} s: {text}\n{Tail(host.Output)}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Waits until the host's <c>order-saga</c> queue holds nothing, polling every 50 ms.</summary>
    public static async Task QueueIdleAsync(IOrderSagaHost host, TimeSpan deadline)
    {
        ArgumentNullException.ThrowIfNull(host);
        var clock = Stopwatch.StartNew();
        while (!await host.IsQueueIdleAsync())
        {
            host.ThrowIfBroken();
            if (clock.Elapsed > deadline)
            {
                throw new Xunit.Sdk.XunitException($"[{host.Name}] order-saga still held messages after {deadline.TotalSeconds:0} s.\n{Tail(host.Output)}");
            }

            await Task.Delay(PollInterval);
        }
    }

    /// <summary><c>GET /inventory/{sku}</c>: available and reserved units.</summary>
    public static async Task<(int Available, int Reserved)> StockOfAsync(IOrderSagaHost host, string sku)
    {
        ArgumentNullException.ThrowIfNull(host);
        using var response = await host.Inventory.GetAsync(new Uri($"/inventory/{sku}", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();
        CheckAnswer(host, response.StatusCode == HttpStatusCode.OK, $"GET /inventory/{sku} answered {(int)response.StatusCode}: {text}");
        using var json = JsonDocument.Parse(text);
        return (json.RootElement.GetProperty("available").GetInt32(), json.RootElement.GetProperty("reserved").GetInt32());
    }

    /// <summary>The order's status.</summary>
    public static string Status(JsonElement order) => order.GetProperty("status").GetString()!;

    /// <summary>The order's reason, or null.</summary>
    public static string? Reason(JsonElement order) => order.GetProperty("reason").GetString();

    /// <summary>The order's steps as <c>step:phase:outcome:attempts</c>, in the order they ran.</summary>
    public static string[] Steps(JsonElement order) =>
        [.. order.GetProperty("steps").EnumerateArray().Select(s =>
            $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}:{s.GetProperty("attempts").GetInt32()}")];

    /// <summary>The last lines of a host's output, enough to see why it stopped.</summary>
    public static string Tail(string output, int lines = 150)
    {
        ArgumentNullException.ThrowIfNull(output);
        var all = output.Split('\n');
        return all.Length <= lines ? output : $"(last {lines} of {all.Length} lines)\n" + string.Join('\n', all[^lines..]);
    }

    private static async Task<string> LateDuplicatesAsync(IOrderSagaHost host, string id, string sku)
    {
        var (_, before) = await OrderAsync(host, id);
        var stockBefore = await StockOfAsync(host, sku);
        var paymentBefore = await host.PaymentAsync(id);

        // A redelivery long after the step ran, and one of the saga's very last request.
        await host.PublishStepAsync(StepRequest(id, "charge-payment"));
        await host.PublishStepAsync(StepRequest(id, "notify-customer"));
        await QueueIdleAsync(host, OrderDeadline);

        var (_, after) = await OrderAsync(host, id);
        var stockAfter = await StockOfAsync(host, sku);
        var paymentAfter = await host.PaymentAsync(id);
        Check(host, after == before, $"the late copies changed the order:\nbefore {before}\nafter  {after}");
        Check(host, stockAfter == stockBefore, $"the late copies changed {sku}: {stockBefore} then {stockAfter}");
        Check(host, (paymentAfter.Charged, paymentAfter.Refunded, paymentAfter.AppliedKeys.Count) == (paymentBefore.Charged, paymentBefore.Refunded, paymentBefore.AppliedKeys.Count),
            $"the late copies changed the payment: {paymentBefore} then {paymentAfter}");
        return "duplicate: late copies of charge-payment and notify-customer delivered, the order, its stock and its payment unchanged";
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static void Check(IOrderSagaHost host, bool condition, string detail)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] {detail}");
        }
    }

    // An HTTP answer other than the one expected: the host's output says why.
    private static void CheckAnswer(IOrderSagaHost host, bool condition, string detail)
    {
        if (!condition)
        {
            throw new Xunit.Sdk.XunitException($"[{host.Name}] {detail}\n{Tail(host.Output)}");
        }
    }
}
