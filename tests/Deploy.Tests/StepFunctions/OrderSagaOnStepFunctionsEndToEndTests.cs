using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Portable.Core.Patterns.Orders;
using Portable.Deploy.StepFunctions;
using Portable.Emulators.Aws;
using Portable.Engines;

using static Portable.TestKit.OrderApi;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// The order saga on AWS, end to end: the real bootstraps of <c>inventory-api</c> and <c>orders-api</c> behind the API
/// Gateway emulator and of the saga's step function <c>order-saga</c> behind Lambda's Invoke API, all on the Runtime
/// API emulator and sharing a DynamoDB table (dynalite). Each path places an order through the gateway, the committed
/// state machine is executed for it by aws-local-stepfunctions, and <c>GET /orders/{id}</c> shows the same final status,
/// reason and step history as the in-process order tests (tests/Core.Tests/Patterns/OrdersTests.cs).
/// </summary>
public sealed class OrderSagaOnStepFunctionsEndToEndTests(OrderSagaOnStepFunctionsEndToEndTests.Run run) : IClassFixture<OrderSagaOnStepFunctionsEndToEndTests.Run>
{
    [Theory]
    [InlineData("success", "completed", null, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:succeeded" })]
    [InlineData("out-of-stock", "compensated", "reserve-inventory: out of stock: widget-out-of-stock", new[] { "reserve-inventory:do:failed" })]
    [InlineData("declined", "compensated", "charge-payment: payment refused: card declined", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded" })]
    [InlineData("payment-timeout", "compensated", "charge-payment: The payment service did not answer in time. (after 3 attempts)", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded" })]
    [InlineData("shipment-fails", "compensated", "create-shipment: shipment refused: no carrier serves XX", new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:failed", "refund-payment:undo:succeeded", "release-inventory:undo:succeeded" })]
    [InlineData("notify-fails", "completed", null, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:failed" })]
    public void Path_OrderEndsAsOnEveryOtherHost(string path, string status, string? reason, string[] steps)
    {
        var order = run.Orders[path];
        var execution = run.Executions[path];

        Assert.Equal(status, order.GetProperty("status").GetString());
        Assert.Equal(reason, order.GetProperty("reason").GetString());
        Assert.Equal(steps, Steps(order));
        var (succeeded, error) = status switch
        {
            "completed" => (true, null),
            _ => (false, StepFunctionsGenerator.CompensatedError),
        };
        Assert.True(execution.Succeeded == succeeded && execution.Error == error, execution.ToString());
        Assert.Equal([.. steps.Select(s => s.Split(':')[0]), succeeded ? StepFunctionsGenerator.CompletedState : StepFunctionsGenerator.CompensatedState], execution.StatesEntered);
    }

    [Theory]
    [InlineData("success", 3, 2)]
    [InlineData("out-of-stock", 5, 0)]
    [InlineData("declined", 5, 0)]
    [InlineData("payment-timeout", 5, 0)]
    [InlineData("shipment-fails", 5, 0)]
    [InlineData("notify-fails", 3, 2)]
    public void Path_StockIsReservedOnlyForACompletedOrder(string path, int available, int reserved)
    {
        var stock = run.Stock[path];
        Assert.Equal((available, reserved), (stock.GetProperty("available").GetInt32(), stock.GetProperty("reserved").GetInt32()));
    }

    [Fact]
    public void PaymentTimeout_RetriedByTheStateMachineThreeAttemptsInAll()
    {
        Assert.Equal(2, run.Executions["payment-timeout"].Retries(OrderSaga.ChargePayment));
        Assert.Equal(3, run.Orders["payment-timeout"].GetProperty("steps")[1].GetProperty("attempts").GetInt32());
        Assert.Equal(3, run.Executions["notify-fails"].Retries(OrderSaga.NotifyCustomer));
        Assert.Equal(4, run.Orders["notify-fails"].GetProperty("steps")[3].GetProperty("attempts").GetInt32());
    }

    [Fact]
    public void DuplicateDelivery_AnswersTheRecordedOutcomeAndChangesNothing()
    {
        // The same request as the success path's charge, delivered again after the saga finished.
        Assert.Equal("""{"outcome":"succeeded"}""", run.DuplicateAnswer);
        Assert.Equal(run.Orders["success"].GetRawText(), run.AfterDuplicate.GetRawText());
    }

    /// <summary>Starts everything, walks every path once, and keeps what each ended with.</summary>
    public sealed class Run : IAsyncLifetime
    {
        private static readonly Dictionary<string, (string Customer, string Card, string Country, int Quantity)> Paths = new(StringComparer.Ordinal)
        {
            ["success"] = ("ada", "4242424242424242", "GB", 2),
            ["out-of-stock"] = ("ada", "4242424242424242", "GB", 6),
            ["declined"] = ("ada", SimulatedPaymentService.DeclinedCard, "GB", 2),
            ["payment-timeout"] = ("ada", SimulatedPaymentService.TimeoutCard, "GB", 2),
            ["shipment-fails"] = ("ada", "4242424242424242", OrderSteps.UnshippableCountry, 2),
            ["notify-fails"] = (OrderSteps.UnreachableCustomer, "4242424242424242", "GB", 2),
        };

        private readonly DynaliteFixture _dynalite = new();
        private readonly List<IAsyncDisposable> _owned = [];

        public Dictionary<string, JsonElement> Orders { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, JsonElement> Stock { get; } = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, StateMachineExecution> Executions { get; private set; } = null!;

        public string DuplicateAnswer { get; private set; } = null!;

        public JsonElement AfterDuplicate { get; private set; }

        public async Task InitializeAsync()
        {
            await _dynalite.InitializeAsync();
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["AWS_ACCESS_KEY_ID"] = "AKIDLOCAL",
                ["AWS_SECRET_ACCESS_KEY"] = "local",
                ["AWS_SESSION_TOKEN"] = null,
                ["PORTABLE_DYNAMODB_TABLE"] = "orders",
                ["PORTABLE_DYNAMODB_ENDPOINT"] = _dynalite.ServiceUrl.ToString(),
            };

            // One at a time: the first creates the table.
            var inventory = await Own(LambdaFunctionHost.StartAsync(InventoryApi.FunctionName, environment));
            var inventoryGateway = await Own(ApiGatewayEmulator.StartAsync(inventory.RuntimeApi));

            // orders-api starts each order's saga with Portable's queue-driven coordinator, the default starter: its
            // first step request goes to an SQS queue here that nothing polls (no function is mapped to it), so the
            // state machine alone runs the saga.
            var unmapped = await Own(LambdaRuntimeApiEmulator.StartAsync());
            var parked = await Own(SqsEventSourceEmulator.StartAsync(unmapped, new SqsEventSourceEmulatorOptions { QueueName = OrderSaga.Queue }));
            var orders = await Own(LambdaFunctionHost.StartAsync(OrdersApi.FunctionName, new Dictionary<string, string?>(environment) { ["AWS_ENDPOINT_URL_SQS"] = parked.ServiceUrl.ToString() }));
            var ordersGateway = await Own(ApiGatewayEmulator.StartAsync(orders.RuntimeApi));

            var saga = await Own(LambdaFunctionHost.StartAsync(OrderSaga.StepFunctionName, environment));
            var invokeApi = await Own(LambdaInvokeApi.StartAsync(OrderSaga.StepFunctionName, saga.RuntimeApi, TimeSpan.FromSeconds(15)));

            using var inventoryClient = Client(inventoryGateway);
            using var ordersClient = Client(ordersGateway);
            var ids = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (path, (customer, card, country, quantity)) in Paths)
            {
                var sku = $"widget-{path}";
                using var stocked = await inventoryClient.PutAsync($"inventory/{sku}", Json("""{"available":5,"price":1.25}"""));
                Assert.True(stocked.IsSuccessStatusCode, await stocked.Content.ReadAsStringAsync());
                using var placed = await ordersClient.PostAsync("orders", Json($$"""{"customer":"{{customer}}","items":[{"sku":"{{sku}}","quantity":{{quantity}}}],"card":"{{card}}","shippingCountry":"{{country}}"}"""));
                Assert.True((int)placed.StatusCode == 202, await placed.Content.ReadAsStringAsync());
                ids[path] = (await placed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
            }

            // The coordinator's first message was parked; nothing has run yet.
            Assert.Equal(Paths.Count, parked.Messages().Count);

            // Retry pauses at 0: the step function itself waits out the rest of each policy delay (SagaExecutor),
            // about 6.5 s in all (charge 1 + 2 s, notification 0.5 + 1 + 2 s).
            var executions = await StateMachineRunner.RunAsync(
                OrderSagaStateMachineDriftTests.CommittedPath,
                invokeApi.Endpoint,
                [.. Paths.Keys.Select(p => $$"""{"sagaId":"{{ids[p]}}"}""")],
                new Dictionary<string, string> { [StepFunctionsGenerator.FunctionArnSubstitution(OrderSaga.Definition)] = invokeApi.FunctionArn },
                TimeSpan.Zero,
                SagaExecution.Timeout);
            Executions = Paths.Keys.Zip(executions).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);

            foreach (var path in Paths.Keys)
            {
                Orders[path] = await ordersClient.GetFromJsonAsync<JsonElement>($"orders/{ids[path]}");
                Stock[path] = await inventoryClient.GetFromJsonAsync<JsonElement>($"inventory/widget-{path}");
            }

            var duplicate = new LambdaInvocationRequest
            {
                Payload = Encoding.UTF8.GetBytes($$"""{"saga":"order","sagaId":"{{ids["success"]}}","step":"charge-payment","phase":"do","attempt":1}"""),
                Timeout = TimeSpan.FromSeconds(15),
            };
            var answer = await saga.RuntimeApi.InvokeAsync(duplicate);
            Assert.True(answer.IsSuccess, answer.ErrorBodyText);
            DuplicateAnswer = answer.PayloadText;
            AfterDuplicate = await ordersClient.GetFromJsonAsync<JsonElement>($"orders/{ids["success"]}");
        }

        public async Task DisposeAsync()
        {
            for (var i = _owned.Count - 1; i >= 0; i--)
            {
                await _owned[i].DisposeAsync();
            }

            await _dynalite.DisposeAsync();
        }

        private async Task<T> Own<T>(Task<T> starting)
            where T : IAsyncDisposable
        {
            var started = await starting;
            _owned.Add(started);
            return started;
        }

        private static HttpClient Client(ApiGatewayEmulator gateway) =>
            new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = gateway.RootAddress, Timeout = TimeSpan.FromSeconds(30) };

        private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
    }
}
