using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portable.Core.Functions;
using Portable.Core.Http;
using Portable.Core.Patterns.Orders;
using Portable.Core.Sagas;
using Portable.Testing;
using Portable.TestKit;
using static Portable.TestKit.OrderApi;

namespace Portable.Core.Tests.Patterns;

/// <summary><c>reconcile-orders</c> on a fake clock: orders stuck past the deadline are compensated (or completed past the pivot), each logged with its id.</summary>
public sealed class OrderReconcilerTests : IDisposable
{
    private readonly FunctionTestHost _host = new(new FunctionManifestBuilder().AddOrders().Build(), services => services
        .AddOrders()
        .AddSingleton<SagaWait>((_, _) => Task.CompletedTask));

    public void Dispose() => _host.Dispose();

    private Task<string> PlaceAsync(string customer = "ada") => _host.PlaceAsync(Order(customer));

    [Fact]
    public async Task PendingOrderPastTheDeadline_Compensated_WithTheReasonAndALogLineNamingIt()
    {
        Assert.Equal(200, (await _host.SendAsync("PUT", "/inventory/widget", """{"available":5,"price":1}""")).StatusCode);
        var stuck = await PlaceAsync();
        _host.Publisher.Clear(); // the start message was lost
        _host.Clock.Advance(TimeSpan.FromMinutes(4));
        var fresh = await PlaceAsync("bob");

        _host.Clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.True((await _host.FireScheduleAsync(OrderReconciler.FunctionName)).Succeeded);
        await _host.DeliverPublishedAsync();

        var order = await _host.GetOrderAsync(stuck);
        Assert.Equal(("compensated", "reconciled: pending for more than 5 minutes"), (order.GetProperty("status").GetString(), order.GetProperty("reason").GetString()));
        Assert.Equal(0, order.GetProperty("steps").GetArrayLength());
        Assert.Equal("completed", (await _host.GetOrderAsync(fresh)).GetProperty("status").GetString());
        var logged = Assert.Single(_host.Logs.WithEventId(6001));
        Assert.Contains(stuck, logged.Message, StringComparison.Ordinal);
        Assert.Equal(3, await _host.AvailableAsync());
    }

    [Fact]
    public async Task RunningOrderWhoseChainBrokeAfterTheCharge_RefundedAndReleased()
    {
        Assert.Equal(200, (await _host.SendAsync("PUT", "/inventory/widget", """{"available":5,"price":1}""")).StatusCode);
        var id = await PlaceAsync();
        await _host.DeliverPublishedAsync();
        Assert.Equal("completed", (await _host.GetOrderAsync(id)).GetProperty("status").GetString());

        // A second order whose chain breaks after the charge: its create-shipment request is lost.
        var broken = await PlaceAsync("carol");
        while (_host.Publisher.PendingCount > 0)
        {
            var next = _host.Publisher.Published[^1];
            if (System.Text.Encoding.UTF8.GetString(next.Body.Span).Contains("create-shipment", StringComparison.Ordinal))
            {
                _host.Publisher.Clear();
                break;
            }

            await _host.DeliverOneAsync(OrderSaga.CoordinatorFunctionName, _host.Publisher.TakeNext()!);
        }

        Assert.Equal("running", (await _host.GetOrderAsync(broken)).GetProperty("status").GetString());
        _host.Clock.Advance(TimeSpan.FromMinutes(6));
        await _host.FireScheduleAsync(OrderReconciler.FunctionName);
        await _host.DeliverPublishedAsync();

        var order = await _host.GetOrderAsync(broken);
        Assert.Equal("compensated", order.GetProperty("status").GetString());
        Assert.Equal(
            ["reserve-inventory:do:succeeded", "charge-payment:do:succeeded", "refund-payment:undo:succeeded", "release-inventory:undo:succeeded"],
            order.GetProperty("steps").EnumerateArray().Select(s => $"{s.GetProperty("step").GetString()}:{s.GetProperty("phase").GetString()}:{s.GetProperty("outcome").GetString()}"));
        var payment = await _host.Services.GetRequiredService<IPaymentService>().GetAsync(broken, default);
        Assert.Equal((2m, 2m), (payment.Charged, payment.Refunded));
        Assert.Equal(3, await _host.AvailableAsync()); // only the first order's two units stay out
    }

    [Fact]
    public async Task OrderPastThePivot_EndsCompletedWithWhatItDid_AndFinishedOrdersAreLeftAlone()
    {
        Assert.Equal(200, (await _host.SendAsync("PUT", "/inventory/widget", """{"available":5,"price":1}""")).StatusCode);
        var id = await PlaceAsync();
        while (_host.Publisher.PendingCount > 0)
        {
            var next = _host.Publisher.Published[^1];
            if (System.Text.Encoding.UTF8.GetString(next.Body.Span).Contains("notify-customer", StringComparison.Ordinal))
            {
                _host.Publisher.Clear();
                break;
            }

            await _host.DeliverOneAsync(OrderSaga.CoordinatorFunctionName, _host.Publisher.TakeNext()!);
        }

        _host.Clock.Advance(TimeSpan.FromMinutes(6));
        await _host.FireScheduleAsync(OrderReconciler.FunctionName);
        var reconciled = (await _host.GetOrderAsync(id)).GetRawText();
        Assert.Equal("completed", (await _host.GetOrderAsync(id)).GetProperty("status").GetString());

        _host.Clock.Advance(TimeSpan.FromMinutes(6));
        await _host.FireScheduleAsync(OrderReconciler.FunctionName);
        Assert.Equal(reconciled, (await _host.GetOrderAsync(id)).GetRawText());
        Assert.Single(_host.Logs.WithEventId(6001));
    }
}
