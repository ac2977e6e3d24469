using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Deploy.StepFunctions;
using Portable.Testing;
using Portable.TestKit;
using static Portable.TestKit.OrderApi;

namespace Portable.Deploy.Tests.StepFunctions;

/// <summary>
/// The committed order saga machine, executed by aws-local-stepfunctions, its Tasks invoking (through Lambda's Invoke
/// API) the real step function in process (<see cref="InProcessStepFunction"/>: the order saga's handlers, its stored
/// state and conditional writes): on every path of the rules the order ends as Portable's coordinator ends it
/// (tests/Core.Tests/Patterns/OrdersTests.cs) — status, reason, step history, stock and money — and the execution's
/// own end agrees.
/// </summary>
public sealed class OrderSagaStepFunctionExecutionTests(OrderSagaStepFunctionExecutionTests.Run run) : IClassFixture<OrderSagaStepFunctionExecutionTests.Run>
{
    [Theory]
    [InlineData("success", "completed", null, 2.5, 0, 3, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:succeeded" })]
    [InlineData("out-of-stock", "compensated", "reserve-inventory: out of stock: widget-out-of-stock", 0, 0, 5, new[] { "reserve-inventory:do:failed" })]
    [InlineData("declined", "compensated", "charge-payment: payment refused: card declined", 0, 0, 5, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded" })]
    [InlineData("payment-timeout", "compensated", "charge-payment: The payment service did not answer in time. (after 3 attempts)", 0, 0, 5, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:failed", "release-inventory:undo:succeeded" })]
    [InlineData("shipment-fails", "compensated", "create-shipment: shipment refused: no carrier serves XX", 2.5, 2.5, 5, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:failed", "refund-payment:undo:succeeded", "release-inventory:undo:succeeded" })]
    [InlineData("notify-fails", "completed", null, 2.5, 0, 3, new[] { "reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "create-shipment:do:succeeded", "notify-customer:do:failed" })]
    public async Task Path_EndsTheOrderAsTheCoordinatorDoes(string path, string status, string? reason, double charged, double refunded, int available, string[] steps)
    {
        var order = await run.OrderAsync(path);
        var execution = run.Executions[path];

        Assert.Empty(run.Function.Refused);
        Assert.Equal(status, order.GetProperty("status").GetString());
        Assert.Equal(reason, order.GetProperty("reason").GetString());
        Assert.Equal(steps, Steps(order));
        Assert.Equal(available, (await run.StockAsync(path)).GetProperty("available").GetInt32());
        var payment = await run.Host.Services.GetRequiredService<IPaymentService>().GetAsync(run.Ids[path], default);
        Assert.Equal(((decimal)charged, (decimal)refunded), (payment.Charged, payment.Refunded));

        var completed = status == "completed";
        Assert.True(execution.Succeeded == completed && execution.Error == (completed ? null : StepFunctionsGenerator.CompensatedError), execution.ToString());
        Assert.Equal([.. steps.Select(s => s.Split(':')[0]), completed ? StepFunctionsGenerator.CompletedState : StepFunctionsGenerator.CompensatedState], execution.StatesEntered);
    }

    [Fact]
    public async Task Retries_EachAttemptIsARequestCarryingItsNumber()
    {
        Assert.Equal([1, 2, 3], Attempts("payment-timeout", OrderSaga.ChargePayment));
        Assert.Equal([1, 2, 3, 4], Attempts("notify-fails", OrderSaga.NotifyCustomer));
        var notify = (await run.OrderAsync("notify-fails")).GetProperty("steps")[3];
        Assert.Equal((4, "failed"), (notify.GetProperty("attempts").GetInt32(), notify.GetProperty("outcome").GetString()));
    }

    [Fact]
    public void Retries_StepFunctionsRetryingAtOnce_TheStepFunctionWaitsOutThePolicy()
    {
        // The test sets every Retry pause to 0, so each retry arrives early and the step function holds it back by the
        // policy's own delay: 1 s then 2 s for the charge, 0.5, 1 and 2 s for the notification, and nothing else.
        Assert.Equal([1, 2, 0.5, 1, 2], run.ExecutorWaits.Select(w => w.TotalSeconds));
    }

    [Fact]
    public void Start_PostOrdersHandsEachOrderToTheStarter()
    {
        Assert.Equal(run.Ids.Values.Order(StringComparer.Ordinal), run.Started.Order(StringComparer.Ordinal));
    }

    private List<int> Attempts(string path, string step) =>
        [.. run.Function.Requests.Where(r => r.SagaId == run.Ids[path] && r.Step == step).Select(r => r.Attempt)];

    /// <summary>Places an order per path, executes the machine for each, one node process for all.</summary>
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

        private readonly List<TimeSpan> _waits = [];

        public Run()
        {
            // The state machine runs the saga: POST /orders records the order and hands its id to the starter (on AWS, a
            // StartExecution of the machine).
            Host = new FunctionTestHost(new FunctionManifestBuilder().AddOrders().Build(), services => services
                .AddSingleton<ISagaStarter>(new RecordingStarter(Started))
                .AddSingleton<SagaWait>(WaitAsync)
                .AddOrders());
            Function = new InProcessStepFunction(Host, OrderSaga.Definition, OrderSaga.StepFunctionName);
        }

        public FunctionTestHost Host { get; }

        public InProcessStepFunction Function { get; }

        public List<string> Started { get; } = [];

        public Dictionary<string, string> Ids { get; } = new(StringComparer.Ordinal);

        public IReadOnlyDictionary<string, StateMachineExecution> Executions { get; private set; } = null!;

        public IReadOnlyList<TimeSpan> ExecutorWaits
        {
            get
            {
                lock (_waits)
                {
                    return [.. _waits];
                }
            }
        }

        public async Task InitializeAsync()
        {
            foreach (var (path, (customer, card, country, quantity)) in Paths)
            {
                var stocked = await Host.SendAsync("PUT", $"/inventory/widget-{path}", """{"available":5,"price":1.25}""");
                Assert.Equal(200, stocked.StatusCode);
                var placed = await Host.SendAsync("POST", "/orders", $$"""{"customer":"{{customer}}","items":[{"sku":"widget-{{path}}","quantity":{{quantity}}}],"card":"{{card}}","shippingCountry":"{{country}}"}""");
                Assert.Equal(202, placed.StatusCode);
                Ids[path] = JsonDocument.Parse(placed.Body).RootElement.GetProperty("id").GetString()!;
            }

            await using var api = await LambdaInvokeApi.StartAsync(OrderSaga.StepFunctionName, Function.InvokeAsync);
            var executions = await StateMachineRunner.RunAsync(
                OrderSagaStateMachineDriftTests.CommittedPath,
                api.Endpoint,
                [.. Paths.Keys.Select(p => $$"""{"sagaId":"{{Ids[p]}}"}""")],
                new Dictionary<string, string> { [StepFunctionsGenerator.FunctionArnSubstitution(OrderSaga.Definition)] = api.FunctionArn },
                TimeSpan.Zero,
                SagaExecution.Timeout);
            Executions = Paths.Keys.Zip(executions).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        }

        public Task DisposeAsync() => Host.DisposeAsync().AsTask();

        public async Task<JsonElement> OrderAsync(string path)
        {
            var response = await Host.SendAsync("GET", $"/orders/{Ids[path]}");
            Assert.Equal(200, response.StatusCode);
            return JsonDocument.Parse(response.Body).RootElement;
        }

        public async Task<JsonElement> StockAsync(string path) => JsonDocument.Parse((await Host.SendAsync("GET", $"/inventory/widget-{path}")).Body).RootElement;

        private Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
        {
            lock (_waits)
            {
                _waits.Add(delay);
            }

            Host.Clock.Advance(delay);
            return Task.CompletedTask;
        }

        private sealed class RecordingStarter(List<string> started) : ISagaStarter
        {
            public ValueTask StartAsync(string sagaId, CancellationToken cancellationToken)
            {
                lock (started)
                {
                    started.Add(sagaId);
                }

                return ValueTask.CompletedTask;
            }
        }
    }
}
