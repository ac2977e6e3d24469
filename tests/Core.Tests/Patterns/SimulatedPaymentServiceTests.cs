using Portable.Core.Patterns.Orders;
using Portable.Core.Resilience;
using Portable.Core.State;

namespace Portable.Core.Tests.Patterns;

public sealed class SimulatedPaymentServiceTests
{
    private readonly SimulatedPaymentService _payments = new(new InMemoryStateStore(TimeProvider.System));

    [Fact]
    public async Task Charge_SameKeyTwice_ChargesOnce()
    {
        Assert.Equal(PaymentResult.Done, await _payments.ChargeAsync("o1", 5m, "4242424242424242", "o1/charge", default));
        Assert.Equal(PaymentResult.Done, await _payments.ChargeAsync("o1", 5m, "4242424242424242", "o1/charge", default));
        var record = await _payments.GetAsync("o1", default);
        Assert.Equal((5m, 0m), (record.Charged, record.Refunded));
        Assert.Equal(["o1/charge"], record.AppliedKeys);
    }

    [Fact]
    public async Task Charge_DeclinedCard_RefusedAndNothingCharged()
    {
        Assert.Equal(PaymentResult.Refused("card declined"), await _payments.ChargeAsync("o1", 5m, SimulatedPaymentService.DeclinedCard, "k", default));
        Assert.Equal(PaymentRecord.None, await _payments.GetAsync("o1", default));
    }

    [Fact]
    public async Task Charge_TimeoutCard_ThrowsTransientEveryTime()
    {
        for (var i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<TransientException>(() => _payments.ChargeAsync("o1", 5m, SimulatedPaymentService.TimeoutCard, "k", default).AsTask());
        }

        Assert.Equal(0m, (await _payments.GetAsync("o1", default)).Charged);
    }

    [Fact]
    public async Task Refund_AfterCharge_RefundsTheChargeOnce()
    {
        await _payments.ChargeAsync("o1", 7.5m, "4242424242424242", "o1/charge", default);
        await _payments.RefundAsync("o1", "o1/refund", default);
        await _payments.RefundAsync("o1", "o1/refund", default);
        await _payments.RefundAsync("o1", "o1/refund-again", default);
        var record = await _payments.GetAsync("o1", default);
        Assert.Equal((7.5m, 7.5m), (record.Charged, record.Refunded));
        Assert.Equal(["o1/charge", "o1/refund"], record.AppliedKeys);
    }

    [Fact]
    public async Task Refund_NothingCharged_ChangesNothing()
    {
        Assert.Equal(PaymentResult.Done, await _payments.RefundAsync("o1", "o1/refund", default));
        Assert.Equal(PaymentRecord.None, await _payments.GetAsync("o1", default));
    }
}
