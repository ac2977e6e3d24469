using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Portable.Aws.Events;
using Portable.Aws.Runtime;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.TestKit;

namespace Portable.Aws.Tests.Sagas;

/// <summary>
/// A saga's step function on Lambda, as a Step Functions Task invokes it: the step request as the payload, success as
/// the response, a failure as an invocation error whose type the state machine's Retry and Catch name.
/// </summary>
public sealed class SagaStepMapperTests : IAsyncDisposable
{
    private readonly OrderSagaFixture _saga = new();

    public ValueTask DisposeAsync() => _saga.DisposeAsync();

    private ValueTask<LambdaAnswer> InvokeAsync(string payload) =>
        SagaStepMapper.Answer(_saga.Host.SagaStepInvoker, _saga.StepFunction, NullLogger.Instance)(
            new RuntimeInvocation("req-1", null, null, null, null, null, Encoding.UTF8.GetBytes(payload)), CancellationToken.None);

    [Fact]
    public async Task AwaitedStep_Succeeds_RespondsSucceededAndRecordsIt()
    {
        var id = await _saga.PlaceOrderAsync();

        var answer = await InvokeAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory));

        Assert.Null(answer.Error);
        Assert.Equal("""{"outcome":"succeeded"}""", Encoding.UTF8.GetString(answer.Response.Span));
        Assert.Equal(("running", "reserve-inventory:do:succeeded"), await _saga.OrderAsync(id));
    }

    [Fact]
    public async Task DeclinedCard_FailsWithTheCatchableErrorTypeAndTheReason()
    {
        var id = await _saga.PlaceOrderAsync(SimulatedPaymentService.DeclinedCard);
        await InvokeAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory));

        var answer = await InvokeAsync(OrderSagaFixture.Request(id, OrderSaga.ChargePayment));

        Assert.Equal((SagaStepReply.FailedErrorType, "payment refused: card declined"), (answer.Error?.ErrorType, answer.Error?.ErrorMessage));
        Assert.Equal("compensating", (await _saga.OrderAsync(id)).Status);
    }

    [Fact]
    public async Task PaymentTimeout_FailsWithTheRetryableErrorType_AndEachRetryCountsAnAttempt()
    {
        var id = await _saga.PlaceOrderAsync(SimulatedPaymentService.TimeoutCard);
        await InvokeAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory));

        var answers = new List<LambdaAnswer>();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            answers.Add(await InvokeAsync(OrderSagaFixture.Request(id, OrderSaga.ChargePayment, attempt: attempt)));
        }

        Assert.All(answers, a => Assert.Equal(SagaStepReply.TransientErrorType, a.Error?.ErrorType));
        Assert.Equal(("compensating", "reserve-inventory:do:succeeded charge-payment:do:failed"), await _saga.OrderAsync(id));
    }

    [Fact]
    public async Task DuplicateTask_AnsweredFromTheRecordWithoutRunningAgain()
    {
        var id = await _saga.PlaceOrderAsync();
        await InvokeAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory));

        var again = await InvokeAsync(OrderSagaFixture.Request(id, OrderSaga.ReserveInventory));

        Assert.Null(again.Error);
        Assert.Equal("reserve-inventory:do:succeeded", (await _saga.OrderAsync(id)).Steps);
        Assert.Contains("\"available\":3", Encoding.UTF8.GetString((await _saga.Host.SendAsync("GET", "/inventory/widget")).Body.Span), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"saga":"invoice","sagaId":"o1","step":"reserve-inventory"}""", "saga 'invoice'")]
    [InlineData("""{"saga":"order","sagaId":"o1","step":"teleport"}""", "no handler 'teleport'")]
    [InlineData("""{"saga":"order","sagaId":"o1","step":"release-inventory","phase":"do"}""", "runs in phase 'undo'")]
    public async Task NotAStepRequest_RefusedAsUnsupportedEventNamingTheProblem(string payload, string expected)
    {
        var answer = await InvokeAsync(payload);

        Assert.Equal("Portable.UnsupportedEvent", answer.Error?.ErrorType);
        Assert.Contains(expected, answer.Error!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Warmer_AnsweredBeforeAnyWork()
    {
        var answer = await InvokeAsync("""{"warmer":true}""");

        Assert.Null(answer.Error);
        Assert.Contains("warm", Encoding.UTF8.GetString(answer.Response.Span), StringComparison.Ordinal);
    }
}
