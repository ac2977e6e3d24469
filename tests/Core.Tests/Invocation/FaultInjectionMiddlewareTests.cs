using Portable.Core.Functions;
using Portable.Core.Invocation;
using Portable.Core.Settings;
using Portable.Testing;

namespace Portable.Core.Tests.Invocation;

public sealed class FaultInjectionMiddlewareTests
{
    private static FunctionContext Delivery(int count) =>
        new FunctionContextBuilder().WithMessage(MessageBuilder.Json("{}", id: "m-1").From("jobs").WithDeliveryCount(count).Build()).Build();

    private static async Task<bool> FailsAsync(FaultInjectionMiddleware faults, int delivery)
    {
        try
        {
            await faults.InvokeAsync(Delivery(delivery), _ => ValueTask.CompletedTask);
            return false;
        }
        catch (InjectedTransientFaultException)
        {
            return true;
        }
    }

    [Fact]
    public async Task ByDefault_OnlyTheFirstDeliveryFails()
    {
        var faults = new FaultInjectionMiddleware(1.0);
        Assert.True(await FailsAsync(faults, 1));
        Assert.False(await FailsAsync(faults, 2));
    }

    [Fact]
    public async Task FailedDeliveries_TheDownstreamStaysDownThatLong_ThenTheMessageSucceeds()
    {
        var faults = FaultInjectionMiddleware.FromEnvironment(name => name switch
        {
            FaultInjectionMiddleware.RateVariable => "1",
            FaultInjectionMiddleware.DeliveriesVariable => "3",
            _ => null,
        })!;

        Assert.Equal(3, faults.FailedDeliveries);
        var failed = new List<bool>();
        for (var delivery = 1; delivery <= 4; delivery++)
        {
            failed.Add(await FailsAsync(faults, delivery));
        }

        Assert.Equal([true, true, true, false], failed);
    }

    [Fact]
    public async Task WithRate_ReadsTheDeliveries_AndNamesTheDeliveryInTheFault()
    {
        var faults = FaultInjectionMiddleware.WithRate(1.0, name => name == FaultInjectionMiddleware.DeliveriesVariable ? "100" : null);
        var fault = await Assert.ThrowsAsync<InjectedTransientFaultException>(() => faults.InvokeAsync(Delivery(5), _ => ValueTask.CompletedTask).AsTask());
        Assert.Contains("delivery 5 of message m-1", fault.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("101")]
    [InlineData("many")]
    public void Deliveries_OutOfRange_IsASettingsError(string value)
    {
        var error = Assert.Throws<SettingsException>(() => FaultInjectionMiddleware.FromEnvironment(name => name switch
        {
            FaultInjectionMiddleware.RateVariable => "1",
            FaultInjectionMiddleware.DeliveriesVariable => value,
            _ => null,
        }));
        Assert.Contains(FaultInjectionMiddleware.DeliveriesVariable, error.Message, StringComparison.Ordinal);
    }
}
