using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Orders;

namespace Portable.Local.Tests.Payments;

/// <summary>The local host's simulated payment service, driven over HTTP as a payment client would.</summary>
public sealed class LocalPaymentEndpointsTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-local-payments-").FullName;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = LocalHost.Build(PatternsApp.App, new LocalHostOptions { Port = 0, DataDirectory = _dataDir }, l => l.SetMinimumLevel(LogLevel.Warning));
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = _app.BaseAddress() };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    private Task<HttpResponseMessage> PostAsync(string path, string json, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return _client.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Get_OrderNeverCharged_ZerosAndExactlyChargedAndRefunded()
    {
        var response = await _client.GetAsync("/_local/payments/unknown-order");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"charged":0,"refunded":0}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Charge_SameKeyTwice_GetShowsOneCharge()
    {
        for (var i = 0; i < 2; i++)
        {
            var charged = await PostAsync("/_local/payments/charges", """{"orderId":"o-1","amount":3.5,"card":"4242424242424242"}""", "o-1/charge-payment");
            Assert.Equal(HttpStatusCode.OK, charged.StatusCode);
            Assert.Equal("""{"status":"charged"}""", await charged.Content.ReadAsStringAsync());
        }

        var totals = await JsonAsync(await _client.GetAsync("/_local/payments/o-1"));
        Assert.Equal(["charged", "refunded"], totals.EnumerateObject().Select(p => p.Name));
        Assert.Equal((3.5m, 0m), (totals.GetProperty("charged").GetDecimal(), totals.GetProperty("refunded").GetDecimal()));
    }

    [Fact]
    public async Task Charge_OtherKey_ChargesAgain()
    {
        await PostAsync("/_local/payments/charges", """{"orderId":"o-2","amount":1,"card":"4242424242424242"}""", "k-1");
        await PostAsync("/_local/payments/charges", """{"orderId":"o-2","amount":1,"card":"4242424242424242"}""", "k-2");

        Assert.Equal(2m, (await JsonAsync(await _client.GetAsync("/_local/payments/o-2"))).GetProperty("charged").GetDecimal());
    }

    [Fact]
    public async Task Charge_DeclinedCard_402WithReasonAndNothingCharged()
    {
        var response = await PostAsync("/_local/payments/charges", $$"""{"orderId":"o-3","amount":1,"card":"{{SimulatedPaymentService.DeclinedCard}}"}""", "o-3/charge-payment");

        Assert.Equal(HttpStatusCode.PaymentRequired, response.StatusCode);
        Assert.Equal("""{"status":"declined","reason":"card declined"}""", await response.Content.ReadAsStringAsync());
        Assert.Equal("""{"charged":0,"refunded":0}""", await _client.GetStringAsync("/_local/payments/o-3"));
    }

    [Fact]
    public async Task Charge_TimeoutCard_504AtOnce()
    {
        var response = await PostAsync("/_local/payments/charges", $$"""{"orderId":"o-4","amount":1,"card":"{{SimulatedPaymentService.TimeoutCard}}"}""", "o-4/charge-payment");

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Contains("did not answer in time", (await JsonAsync(response)).GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Charge_NoKeyAndBadFields_400NamingEach()
    {
        var response = await PostAsync("/_local/payments/charges", """{"orderId":"","amount":1.234}""", key: null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var details = (await JsonAsync(response)).GetProperty("details");
        Assert.Equal(["Idempotency-Key", "amount", "card", "orderId"], details.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Refund_AfterCharge_RefundedOnce()
    {
        await PostAsync("/_local/payments/charges", """{"orderId":"o-5","amount":8,"card":"4242424242424242"}""", "o-5/charge-payment");

        for (var i = 0; i < 2; i++)
        {
            var refunded = await PostAsync("/_local/payments/refunds", """{"orderId":"o-5"}""", "o-5/refund-payment");
            Assert.Equal(HttpStatusCode.OK, refunded.StatusCode);
            Assert.Equal("""{"status":"refunded"}""", await refunded.Content.ReadAsStringAsync());
        }

        Assert.Equal("""{"charged":8,"refunded":8}""", await _client.GetStringAsync("/_local/payments/o-5"));
    }

    [Theory]
    [InlineData("GET", "/_local/payments/charges/x", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/_local/payments/charges", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", "/_local/payments/o-6", HttpStatusCode.MethodNotAllowed)]
    public async Task OtherRequests_404Or405(string method, string path, HttpStatusCode expected)
    {
        var response = await _client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(expected, response.StatusCode);
        Assert.True((await JsonAsync(response)).TryGetProperty("error", out _));
    }
}
