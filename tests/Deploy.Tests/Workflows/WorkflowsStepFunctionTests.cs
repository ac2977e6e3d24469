using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Testing;
using Portable.TestKit;
using static Portable.TestKit.OrderApi;

namespace Portable.Deploy.Tests.Workflows;

/// <summary>
/// The committed order-saga workflow driving the real step function — the order saga's handlers, its stored state
/// and conditional writes, through Core's step-function front door (<see cref="StepFunctionHttp"/>) — on every path
/// of the issue's deterministic rules: it ends each order as Portable's coordinator does (same status, same step
/// history, same money and stock), and <c>GET /orders/{id}</c> shows the history the workflow drove.
/// </summary>
public sealed class WorkflowsStepFunctionTests : IDisposable
{
    private readonly FunctionTestHost _host;
    private readonly List<string> _started = [];
    private readonly List<TimeSpan> _executorWaits = [];

    public WorkflowsStepFunctionTests()
    {
        // The workflow runs the saga: POST /orders only records it and hands its id to the starter (a Workflows execution).
        _host = new FunctionTestHost(new FunctionManifestBuilder().AddOrders().Build(), services => services
            .AddSingleton<ISagaStarter>(new ExecutionStarter(_started))
            .AddSingleton<SagaWait>(ExecutorWait)
            .AddOrders());
    }

    public void Dispose() => _host.Dispose();

    [Theory]
    [InlineData("ada", "4242424242424242", "GB", 2, "completed", 3, 0, "reserve-inventory:do:succeeded charge-payment:do:succeeded create-shipment:do:succeeded notify-customer:do:succeeded")]
    [InlineData("ada", "4242424242424242", "GB", 9, "compensated", 0, 0, "reserve-inventory:do:failed")]
    [InlineData("ada", SimulatedPaymentService.DeclinedCard, "GB", 2, "compensated", 0, 0, "reserve-inventory:do:succeeded charge-payment:do:failed release-inventory:undo:succeeded")]
    [InlineData("ada", SimulatedPaymentService.TimeoutCard, "GB", 2, "compensated", 0, 0, "reserve-inventory:do:succeeded charge-payment:do:failed release-inventory:undo:succeeded")]
    [InlineData("ada", "4242424242424242", "XX", 2, "compensated", 3, 3, "reserve-inventory:do:succeeded charge-payment:do:succeeded create-shipment:do:failed refund-payment:undo:succeeded release-inventory:undo:succeeded")]
    [InlineData(OrderSteps.UnreachableCustomer, "4242424242424242", "GB", 2, "completed", 3, 0, "reserve-inventory:do:succeeded charge-payment:do:succeeded create-shipment:do:succeeded notify-customer:do:failed")]
    public async Task Workflow_EveryPath_EndsTheOrderAsTheCoordinatorDoes(string customer, string card, string country, int quantity, string status, int charged, int refunded, string steps)
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order(customer, card, country, quantity));
        var http = new StepFunctionHttp(_host, OrderSaga.Definition, OrderSagaWorkflow.StepFunction);

        var run = Execute(id, http);

        var order = await _host.GetOrderAsync(id);
        var outcome = Assert.IsType<Dictionary<string, object?>>(run.Result);
        Assert.Equal((status, status), ((string)outcome["status"]!, order.GetProperty("status").GetString()));
        Assert.Equal(order.GetProperty("reason").GetString(), outcome["reason"]);
        Assert.Equal(steps.Split(' '), Steps(order));
        Assert.Equal(status == "completed" ? 3 : 5, await _host.AvailableAsync());
        var payment = await _host.Services.GetRequiredService<IPaymentService>().GetAsync(id, default);
        Assert.Equal(((decimal)charged, (decimal)refunded), (payment.Charged, payment.Refunded));

        // Workflows' backoff is never shorter than the definition's, so the step function never had to hold a retry back.
        Assert.Empty(_executorWaits);
    }

    [Fact]
    public async Task Workflow_PaymentTimesOutEveryAttempt_EachAttemptRecordedAndTheReasonSaysHowMany()
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order(card: SimulatedPaymentService.TimeoutCard));
        var http = new StepFunctionHttp(_host, OrderSaga.Definition, OrderSagaWorkflow.StepFunction);

        var run = Execute(id, http);

        Assert.Equal([1, 2, 3], http.Requests.Where(r => r.Step == OrderSaga.ChargePayment).Select(r => r.Attempt));
        var order = await _host.GetOrderAsync(id);
        var charge = order.GetProperty("steps")[1];
        Assert.Equal((3, "failed"), (charge.GetProperty("attempts").GetInt32(), charge.GetProperty("outcome").GetString()));
        Assert.EndsWith("(after 3 attempts)", order.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(order.GetProperty("reason").GetString(), ((Dictionary<string, object?>)run.Result!)["reason"]);
    }

    [Fact]
    public async Task Workflow_AnswerLostAfterTheChargeRan_RetryGetsTheRecordedOutcomeAndChargesOnce()
    {
        await _host.StockAsync(5);
        var id = await _host.PlaceAsync(Order());
        var http = new StepFunctionHttp(_host, OrderSaga.Definition, OrderSagaWorkflow.StepFunction)
        {
            LoseAnswer = r => r is { Step: OrderSaga.ChargePayment, Attempt: 1 },
        };

        var run = Execute(id, http);

        Assert.Equal(["do reserve-inventory #1", "do charge-payment #1", "do charge-payment #2", "do create-shipment #1", "do notify-customer #1"],
            http.Requests.Select(r => $"{(r.Phase == SagaPhase.Do ? "do" : "undo")} {r.Step} #{r.Attempt}"));
        Assert.Equal("completed", ((Dictionary<string, object?>)run.Result!)["status"]);
        var order = await _host.GetOrderAsync(id);
        Assert.Equal(1, order.GetProperty("steps")[1].GetProperty("attempts").GetInt32());
        Assert.Equal(3m, (await _host.Services.GetRequiredService<IPaymentService>().GetAsync(id, default)).Charged);
    }

    [Fact]
    public async Task PlaceOrder_WithTheWorkflowAsStarter_HandsItTheOrderAndRunsNothingItself()
    {
        await _host.StockAsync(5);

        var id = await _host.PlaceAsync(Order());

        Assert.Equal([id], _started);
        Assert.Equal("pending", (await _host.GetOrderAsync(id)).GetProperty("status").GetString());
    }

    private WorkflowRun Execute(string id, StepFunctionHttp http)
    {
        Assert.Equal([id], _started);
        var run = new WorkflowInterpreter(OrderSagaWorkflow.File.Content, OrderSagaWorkflow.Environment, http, _host.Clock.Advance)
            .Run(OrderSagaWorkflow.Argument(id));
        Assert.True(run.Succeeded, $"The execution failed: {JsonSerializer.Serialize(YamlValues.ToJson(run.Error))}");
        return run;
    }

    private Task ExecutorWait(TimeSpan delay, CancellationToken cancellationToken)
    {
        _executorWaits.Add(delay);
        _host.Clock.Advance(delay);
        return Task.CompletedTask;
    }

    // What a Workflows host's starter does (create an execution with {"sagaId": id}); here the test runs it.
    private sealed class ExecutionStarter(List<string> started) : ISagaStarter
    {
        public ValueTask StartAsync(string sagaId, CancellationToken cancellationToken)
        {
            lock (started)
            {
                if (!started.Contains(sagaId))
                {
                    started.Add(sagaId);
                }
            }

            return ValueTask.CompletedTask;
        }
    }
}
