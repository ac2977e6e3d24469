using Microsoft.Extensions.DependencyInjection;
using System.Text.Json;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Patterns.Orders;
using Portable.Core.Resilience;
using Portable.Core.Sagas;
using Portable.Core.State;
using Portable.Testing;
using Portable.TestKit;

namespace Portable.Core.Tests.Patterns;

public sealed class OrdersTests : IDisposable
{
    private const string Good = """{"customer":"ada","items":[{"sku":"widget","quantity":2}],"card":"4242424242424242","shippingCountry":"GB"}""";

    private readonly FunctionTestHost _host;
    private readonly List<TimeSpan> _waits = [];

    public OrdersTests()
    {
        _host = new FunctionTestHost(new FunctionManifestBuilder().AddOrders().Build(), services => services
            .AddOrders()
            .AddSingleton<ISagaStarter>(sp => new InProcessOrderSaga(
                sp.GetRequiredService<IStateStore>(), sp.GetRequiredService<IPaymentService>(), sp.GetRequiredService<TimeProvider>(), Wait)));
    }

    public void Dispose() => _host.Dispose();

    private Task Wait(TimeSpan delay, CancellationToken cancellationToken)
    {
        lock (_waits)
        {
            _waits.Add(delay);
        }

        _host.Clock.Advance(delay);
        return Task.CompletedTask;
    }

    private static JsonElement Json(PortableHttpResponse response) => JsonDocument.Parse(response.Body).RootElement;

    private static string Order(string customer = "ada", string card = "4242424242424242", string country = "GB", string items = """[{"sku":"widget","quantity":2}]""") =>
        $$"""{"customer":"{{customer}}","items":{{items}},"card":"{{card}}","shippingCountry":"{{country}}"}""";

    private async Task StockAsync(string sku, int available, decimal price)
    {
        var response = await _host.SendAsync("PUT", $"/inventory/{sku}", $$"""{"available":{{available}},"price":{{price}}}""");
        Assert.Equal(200, response.StatusCode);
    }

    private async Task<JsonElement> InventoryAsync(string sku) => Json(await _host.SendAsync("GET", $"/inventory/{sku}"));

    private async Task<JsonElement> PlaceAsync(string json)
    {
        var accepted = await _host.SendAsync("POST", "/orders", json);
        Assert.Equal(202, accepted.StatusCode);
        var id = Json(accepted).GetProperty("id").GetString();
        var order = await _host.SendAsync("GET", $"/orders/{id}");
        Assert.Equal(200, order.StatusCode);
        return Json(order);
    }

    private static string[] Steps(JsonElement order) =>
        [.. order.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}")];

    private async Task<PaymentRecord> PaymentAsync(JsonElement order) =>
        await _host.Services.GetRequiredService<IPaymentService>().GetAsync(order.GetProperty("id").GetString()!, default);

    [Fact]
    public async Task PutInventory_Valid_Returns200AndGetReadsIt()
    {
        await StockAsync("widget", 7, 2.5m);
        var stock = await InventoryAsync("widget");
        Assert.Equal(["available", "price", "reserved", "sku"], stock.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(("widget", 7, 0, 2.5m), (stock.GetProperty("sku").GetString(), stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32(), stock.GetProperty("price").GetDecimal()));
    }

    [Fact]
    public async Task GetInventory_Unknown_Returns404() => Assert.Equal(404, (await _host.SendAsync("GET", "/inventory/nope")).StatusCode);

    [Theory]
    [InlineData("""{"price":1}""", "available", "is required")]
    [InlineData("""{"available":-1,"price":1}""", "available", "greater than or equal to 0")]
    [InlineData("""{"available":1.5,"price":1}""", "available", "whole number")]
    [InlineData("""{"available":"3","price":1}""", "available", "must be a number")]
    [InlineData("""{"available":1}""", "price", "is required")]
    [InlineData("""{"available":1,"price":-0.01}""", "price", "greater than or equal to 0")]
    [InlineData("""{"available":1,"price":1.001}""", "price", "at most 2 decimal places")]
    public async Task PutInventory_InvalidField_Returns400NamingIt(string json, string field, string message)
    {
        var response = await _host.SendAsync("PUT", "/inventory/widget", json);
        Assert.Equal(400, response.StatusCode);
        Assert.Contains(message, Json(response).GetProperty("details").GetProperty(field).GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"items":[{"sku":"a","quantity":1}],"card":"424242424242","shippingCountry":"GB"}""", "customer", "is required")]
    [InlineData("""{"customer":" ","items":[{"sku":"a","quantity":1}],"card":"424242424242","shippingCountry":"GB"}""", "customer", "not blank")]
    [InlineData("""{"customer":"a","card":"424242424242","shippingCountry":"GB"}""", "items", "is required")]
    [InlineData("""{"customer":"a","items":[],"card":"424242424242","shippingCountry":"GB"}""", "items", "1 to 50 lines")]
    [InlineData("""{"customer":"a","items":{},"card":"424242424242","shippingCountry":"GB"}""", "items", "must be an array")]
    [InlineData("""{"customer":"a","items":[{"quantity":1}],"card":"424242424242","shippingCountry":"GB"}""", "items[0].sku", "is required")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":0}],"card":"424242424242","shippingCountry":"GB"}""", "items[0].quantity", "from 1 to 1000")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1},{"sku":"b","quantity":1001}],"card":"424242424242","shippingCountry":"GB"}""", "items[1].quantity", "from 1 to 1000")]
    [InlineData("""{"customer":"a","items":[7],"card":"424242424242","shippingCountry":"GB"}""", "items[0]", "must be an object")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1}],"card":"42424242424","shippingCountry":"GB"}""", "card", "12 to 19 digits")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1}],"card":"42424242424242424242","shippingCountry":"GB"}""", "card", "12 to 19 digits")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1}],"card":"4242-4242-4242","shippingCountry":"GB"}""", "card", "12 to 19 digits")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1}],"card":424242424242,"shippingCountry":"GB"}""", "card", "12 to 19 digits")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1}],"card":"424242424242","shippingCountry":"gb"}""", "shippingCountry", "two capital letters")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1}],"card":"424242424242","shippingCountry":"GBR"}""", "shippingCountry", "two capital letters")]
    [InlineData("""{"customer":"a","items":[{"sku":"a","quantity":1}],"card":"424242424242"}""", "shippingCountry", "is required")]
    public async Task PostOrder_InvalidField_Returns400NamingIt(string json, string field, string message)
    {
        var response = await _host.SendAsync("POST", "/orders", json);
        Assert.Equal(400, response.StatusCode);
        Assert.Contains(message, Json(response).GetProperty("details").GetProperty(field).GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostOrder_FiftyOneLines_Returns400()
    {
        var lines = string.Join(',', Enumerable.Range(0, 51).Select(i => $$"""{"sku":"s{{i}}","quantity":1}"""));
        var response = await _host.SendAsync("POST", "/orders", Order(items: $"[{lines}]"));
        Assert.Equal("must have 1 to 50 lines", Json(response).GetProperty("details").GetProperty("items").GetString());
    }

    [Fact]
    public async Task PostOrder_EveryFieldInvalid_NamesEach()
    {
        var details = Json(await _host.SendAsync("POST", "/orders", """{"customer":5,"items":[],"card":"x","shippingCountry":"x"}""")).GetProperty("details");
        Assert.Equal(["card", "customer", "items", "shippingCountry"], details.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PostOrder_Valid_Returns202WithLocationAndPendingBody()
    {
        await StockAsync("widget", 5, 1.25m);
        var response = await _host.SendAsync("POST", "/orders", Good);
        Assert.Equal(202, response.StatusCode);
        var body = Json(response);
        var id = body.GetProperty("id").GetString()!;
        Assert.True(SortableId.IsWellFormed(id));
        Assert.Equal($"/orders/{id}", response.Headers["Location"]);
        Assert.Equal($$"""{"id":"{{id}}","status":"pending"}""", System.Text.Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task PostOrder_DefaultCoordinator_StaysPendingUntilItsFirstStepRequestIsDelivered()
    {
        using var host = new FunctionTestHost(new FunctionManifestBuilder().AddOrders().Build(), services => services.AddOrders());
        var accepted = Json(await host.SendAsync("POST", "/orders", Good));
        var id = accepted.GetProperty("id").GetString();
        var order = Json(await host.SendAsync("GET", $"/orders/{id}"));
        Assert.Equal("pending", order.GetProperty("status").GetString());
        Assert.Equal(0, order.GetProperty("steps").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("reason").ValueKind);
        var request = Assert.Single(host.Publisher.PublishedTo(OrderSaga.Queue));
        Assert.Equal($$"""{"saga":"order","sagaId":"{{id}}","step":"reserve-inventory","phase":"do","attempt":1}""", System.Text.Encoding.UTF8.GetString(request.Body.Span));
    }

    [Fact]
    public async Task PostOrder_WrittenButTheAnswerLostAndRetried_AcceptedWithItsSagaStarted()
    {
        // The insert lands, its answer is lost, the state pipeline retries and meets the order it just wrote.
        AnswerLosingStateStore? losing = null;
        using var host = new FunctionTestHost(new FunctionManifestBuilder().AddOrders().Build(), services => services.AddOrders(), o =>
            o.DecorateStore = s => new ResilientStateStore(losing = new AnswerLosingStateStore(s, (c, kind) => c == OrdersApi.Collection && kind == "insert"), AnswerLosingStateStore.RetryTransient));

        var response = await host.SendAsync("POST", "/orders", Good);

        Assert.Equal(1, losing!.Lost);
        Assert.Equal(202, response.StatusCode);
        var id = Json(response).GetProperty("id").GetString();
        Assert.Equal("pending", Json(await host.SendAsync("GET", $"/orders/{id}")).GetProperty("status").GetString());
        Assert.Contains(id!, System.Text.Encoding.UTF8.GetString(Assert.Single(host.Publisher.PublishedTo(OrderSaga.Queue)).Body.Span), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetOrder_Unknown_Returns404() => Assert.Equal(404, (await _host.SendAsync("GET", "/orders/nope")).StatusCode);

    [Fact]
    public async Task Order_Success_CompletesEveryStepInOrderAndChargesTheTotal()
    {
        await StockAsync("widget", 5, 1.25m);
        var created = _host.Clock.GetUtcNow();
        var order = await PlaceAsync(Good);

        Assert.Equal(["createdAt", "id", "reason", "status", "steps", "total", "updatedAt"], order.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("completed", order.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("reason").ValueKind);
        Assert.Equal(2.5m, order.GetProperty("total").GetDecimal());
        Assert.Equal(created, order.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(["reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:succeeded"], Steps(order));
        var step = order.GetProperty("steps")[0];
        Assert.Equal(["at", "attempts", "outcome", "phase", "step"], step.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(1, step.GetProperty("attempts").GetInt32());

        var stock = await InventoryAsync("widget");
        Assert.Equal((3, 2), (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32()));
        Assert.Equal((2.5m, 0m), ((await PaymentAsync(order)).Charged, (await PaymentAsync(order)).Refunded));
        Assert.NotNull(await _host.Store.GetAsync(OrderSteps.ShipmentsCollection, order.GetProperty("id").GetString()!));
    }

    [Fact]
    public async Task Order_OutOfStock_CompensatedWithNothingReservedOrCharged()
    {
        await StockAsync("widget", 1, 1m);
        var order = await PlaceAsync(Good);

        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("reserve-inventory: out of stock: widget", order.GetProperty("reason").GetString());
        Assert.Equal(["reserve-inventory:do:failed"], Steps(order));
        var stock = await InventoryAsync("widget");
        Assert.Equal((1, 0), (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32()));
        Assert.Equal(0m, (await PaymentAsync(order)).Charged);
    }

    [Fact]
    public async Task Order_SecondLineOutOfStock_ReleasesTheFirstLineWithinTheStep()
    {
        await StockAsync("a", 5, 1m);
        await StockAsync("b", 0, 1m);
        var order = await PlaceAsync(Order(items: """[{"sku":"a","quantity":2},{"sku":"b","quantity":1}]"""));

        Assert.Equal("reserve-inventory: out of stock: b", order.GetProperty("reason").GetString());
        var stock = await InventoryAsync("a");
        Assert.Equal((5, 0), (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32()));
    }

    [Fact]
    public async Task Order_UnknownSku_IsOutOfStock()
    {
        var order = await PlaceAsync(Order(items: """[{"sku":"ghost","quantity":1}]"""));
        Assert.Equal("reserve-inventory: out of stock: ghost", order.GetProperty("reason").GetString());
        Assert.Equal(0m, order.GetProperty("total").GetDecimal());
    }

    [Fact]
    public async Task Order_CardDeclined_ReleasesTheReservation()
    {
        await StockAsync("widget", 5, 1m);
        var order = await PlaceAsync(Order(card: SimulatedPaymentService.DeclinedCard));

        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("charge-payment: payment refused: card declined", order.GetProperty("reason").GetString());
        Assert.Equal(["reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded"], Steps(order));
        Assert.Equal(1, order.GetProperty("steps")[1].GetProperty("attempts").GetInt32());
        var stock = await InventoryAsync("widget");
        Assert.Equal((5, 0), (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32()));
        Assert.Empty(_waits);
    }

    [Fact]
    public async Task Order_PaymentTimesOut_RetriedPerPolicyThenCompensated()
    {
        await StockAsync("widget", 5, 1m);
        var order = await PlaceAsync(Order(card: SimulatedPaymentService.TimeoutCard));

        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("charge-payment: The payment service did not answer in time. (after 3 attempts)", order.GetProperty("reason").GetString());
        Assert.Equal(["reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded"], Steps(order));
        Assert.Equal(3, order.GetProperty("steps")[1].GetProperty("attempts").GetInt32());
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], _waits);
        Assert.Equal(0m, (await PaymentAsync(order)).Charged);
        Assert.Equal(5, (await InventoryAsync("widget")).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Order_ShipmentFails_RefundsAndReleasesInReverse()
    {
        await StockAsync("widget", 5, 3m);
        var order = await PlaceAsync(Order(country: OrderSteps.UnshippableCountry));

        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal("create-shipment: shipment refused: no carrier serves XX", order.GetProperty("reason").GetString());
        Assert.Equal(
            ["reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:failed", "refund-payment:undo:succeeded", "release-inventory:undo:succeeded"],
            Steps(order));
        var payment = await PaymentAsync(order);
        Assert.Equal((6m, 6m), (payment.Charged, payment.Refunded));
        Assert.Equal(5, (await InventoryAsync("widget")).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Order_NotificationFailsAfterPivot_CompletedWithNotificationMarkedFailed()
    {
        await StockAsync("widget", 5, 1m);
        var order = await PlaceAsync(Order(customer: OrderSteps.UnreachableCustomer));

        Assert.Equal("completed", order.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, order.GetProperty("reason").ValueKind);
        Assert.Equal(["reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:failed"], Steps(order));
        Assert.Equal(4, order.GetProperty("steps")[3].GetProperty("attempts").GetInt32());
        Assert.Equal([0.5, 1, 2], _waits.Select(w => w.TotalSeconds));
        Assert.Equal(0m, (await PaymentAsync(order)).Refunded);
        Assert.Equal(3, (await InventoryAsync("widget")).GetProperty("available").GetInt32());
        Assert.Equal(_host.Clock.GetUtcNow(), order.GetProperty("updatedAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task PostOrder_SameIdempotencyKey_ReplaysAndRunsTheSagaOnce()
    {
        await StockAsync("widget", 5, 1m);
        var first = await _host.SendAsync("POST", "/orders", Good, ("Idempotency-Key", "k1"));
        var second = await _host.SendAsync("POST", "/orders", Good, ("Idempotency-Key", "k1"));

        Assert.Equal((202, 202), (first.StatusCode, second.StatusCode));
        Assert.Equal(first.Body.ToArray(), second.Body.ToArray());
        Assert.Equal(first.Headers["Location"], second.Headers["Location"]);
        Assert.Equal(3, (await InventoryAsync("widget")).GetProperty("available").GetInt32());
        Assert.Equal(422, (await _host.SendAsync("POST", "/orders", Order(customer: "bob"), ("Idempotency-Key", "k1"))).StatusCode);
    }

    [Fact]
    public async Task Steps_DuplicateDelivery_DoNothingTwice()
    {
        await StockAsync("widget", 5, 2m);
        var payments = _host.Services.GetRequiredService<IPaymentService>();
        var input = JsonSerializer.SerializeToUtf8Bytes(new OrderSagaInput("o1", "ada", [new OrderLine("widget", 2)], "4242424242424242", "GB", 4m), OrdersJsonContext.Default.OrderSagaInput);
        var raw = new OrderSteps(_host.Store, payments);
        var handlers = OrderSaga.Handlers(raw, _host.Store);
        SagaStepContext Context(string step, SagaPhase phase) => new("o1", step, phase, 1, input);

        foreach (var (step, phase) in new[] { (OrderSaga.ReserveInventory, SagaPhase.Do), (OrderSaga.ChargePayment, SagaPhase.Do) })
        {
            Assert.Equal(SagaStepResult.Succeeded(), await handlers[step].RunAsync(Context(step, phase), default));
            Assert.Equal(SagaStepResult.Succeeded(), await handlers[step].RunAsync(Context(step, phase), default));
        }

        // The effects are keyed by order too: even past the receipts, a repeat changes nothing.
        Assert.Equal(SagaStepResult.Succeeded(), await raw.ReserveInventoryAsync(Context(OrderSaga.ReserveInventory, SagaPhase.Do), default));
        Assert.Equal(SagaStepResult.Succeeded(), await raw.ChargePaymentAsync(Context(OrderSaga.ChargePayment, SagaPhase.Do), default));
        Assert.Equal((3, 2), ((await InventoryAsync("widget")).GetProperty("available").GetInt32(), (await InventoryAsync("widget")).GetProperty("reserved").GetInt32()));
        Assert.Equal(4m, (await payments.GetAsync("o1", default)).Charged);

        for (var i = 0; i < 2; i++)
        {
            await handlers[OrderSaga.RefundPayment].RunAsync(Context(OrderSaga.RefundPayment, SagaPhase.Undo), default);
            await handlers[OrderSaga.ReleaseInventory].RunAsync(Context(OrderSaga.ReleaseInventory, SagaPhase.Undo), default);
            await raw.RefundPaymentAsync(Context(OrderSaga.RefundPayment, SagaPhase.Undo), default);
            await raw.ReleaseInventoryAsync(Context(OrderSaga.ReleaseInventory, SagaPhase.Undo), default);
        }

        Assert.Equal((5, 0), ((await InventoryAsync("widget")).GetProperty("available").GetInt32(), (await InventoryAsync("widget")).GetProperty("reserved").GetInt32()));
        Assert.Equal((4m, 4m), ((await payments.GetAsync("o1", default)).Charged, (await payments.GetAsync("o1", default)).Refunded));

        // A reservation delivered again after its release does not hold the units again.
        await handlers[OrderSaga.ReserveInventory].RunAsync(Context(OrderSaga.ReserveInventory, SagaPhase.Do), default);
        Assert.Equal(5, (await InventoryAsync("widget")).GetProperty("available").GetInt32());
    }

    [Fact]
    public async Task Orders_TwoHundredConcurrentSingleUnitOrdersAgainstStockOfOneHundred_ExactlyOneHundredReserve()
    {
        await StockAsync("widget", 100, 1m);
        var orders = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => PlaceAsync(Order(customer: $"c{i}", items: """[{"sku":"widget","quantity":1}]""")))));

        var statuses = orders.GroupBy(o => o.GetProperty("status").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.Equal(new Dictionary<string, int> { ["completed"] = 100, ["compensated"] = 100 }, statuses);
        var stock = await InventoryAsync("widget");
        Assert.Equal((0, 100), (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32()));
        foreach (var order in orders.Where(o => o.GetProperty("status").GetString() == "compensated"))
        {
            Assert.Equal("reserve-inventory: out of stock: widget", order.GetProperty("reason").GetString());
            var payment = await PaymentAsync(order);
            Assert.Equal(payment.Charged, payment.Refunded);
        }

        var charged = 0m;
        foreach (var order in orders.Where(o => o.GetProperty("status").GetString() == "completed"))
        {
            charged += (await PaymentAsync(order)).Charged;
        }

        Assert.Equal(100m, charged);
    }
}
