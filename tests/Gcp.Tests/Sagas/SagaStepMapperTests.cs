using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Core.Invocation;
using Portable.Core.Patterns.Orders;
using Portable.Gcp.Events;
using Portable.TestKit;

namespace Portable.Gcp.Tests.Sagas;

/// <summary>
/// A saga's step function on Cloud Run, as a Workflows <c>http.post</c> calls it: the status is what the workflow's
/// retry predicate (503) and except branch (422) read.
/// </summary>
public sealed class SagaStepMapperTests : IAsyncDisposable
{
    private readonly OrderSagaFixture _saga = new();

    public ValueTask DisposeAsync() => _saga.DisposeAsync();

    private async Task<(int Status, string Body)> CallAsync(string body, string method = "POST")
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.Path = "/" + OrderSaga.StepFunctionName;
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        context.Request.ContentLength = Encoding.UTF8.GetByteCount(body);
        var response = new MemoryStream();
        context.Response.Body = response;
        await SagaStepMapper.HandleAsync(context, new InvocationInfo("inv-1"), _saga.Host.SagaStepInvoker, _saga.StepFunction, NullLogger.Instance);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
    }

    [Fact]
    public async Task AwaitedStep_Succeeds_200AndRecorded()
    {
        var id = await _saga.PlaceOrderAsync();

        Assert.Equal((200, """{"outcome":"succeeded"}"""), await CallAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory)));
        Assert.Equal(("running", "reserve-inventory:do:succeeded"), await _saga.OrderAsync(id));
    }

    [Fact]
    public async Task FailedForGood_422WithTheReason()
    {
        var id = await _saga.PlaceOrderAsync(country: "XX");
        await CallAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory));
        await CallAsync(OrderSagaFixture.Request(id, OrderSaga.ChargePayment));

        var (status, body) = await CallAsync(OrderSagaFixture.Request(id, OrderSaga.CreateShipment));

        Assert.Equal((422, """{"outcome":"failed","reason":"shipment refused: no carrier serves XX"}"""), (status, body));
        Assert.Equal("compensating", (await _saga.OrderAsync(id)).Status);
    }

    [Fact]
    public async Task Transient_503SoTheWorkflowRetries()
    {
        var id = await _saga.PlaceOrderAsync(SimulatedPaymentService.TimeoutCard);
        await CallAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory));

        var (status, body) = await CallAsync(OrderSagaFixture.Request(id, OrderSaga.ChargePayment));

        Assert.Equal(503, status);
        Assert.Contains("\"outcome\":\"transient\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NotAStepRequest_400NamingTheProblem()
    {
        var (status, body) = await CallAsync("""{"saga":"order","sagaId":"o1"}""");

        Assert.Equal(400, status);
        Assert.Contains("no 'step'", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_405()
    {
        var (status, _) = await CallAsync("", method: "GET");

        Assert.Equal(405, status);
    }
}
