using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Patterns;
using Portable.Core.Patterns.Orders;
using Portable.Core.Resilience;
using Portable.Local.Payments;
using Portable.TestKit;

namespace Portable.Local.Tests.Payments;

/// <summary>
/// Core's HTTP payment client against real HTTP: the local host's simulated service, and loopback servers scripted to
/// fail the ways a payment service fails. The client is built by the same registration the hosts use.
/// </summary>
public sealed class HttpPaymentServiceTests : IAsyncDisposable
{
    private const string GoodCard = "4242424242424242";
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-payments-").FullName;
    private readonly List<ResilienceRetry> _retries = [];
    private readonly SemaphoreSlim _retried = new(0);
    private readonly List<ServiceProvider> _providers = [];
    private readonly List<IAsyncDisposable> _servers = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _retried.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDir, recursive: true);
    }

    // The service as AddOrders registers it when PORTABLE_PAYMENTS_URL is set; retries without waits unless a test asks.
    private HttpPaymentService Client(Uri baseAddress, TimeProvider? time = null, Action<ResilienceOptions>? adjust = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(time ?? TimeProvider.System);
        services.AddHttpPaymentService(baseAddress);
        services.AddPortableResilience(r => r
            .AddPipeline(HttpPaymentService.PipelineName, o =>
            {
                o.BaseDelay = TimeSpan.Zero;
                o.UseJitter = false;
                adjust?.Invoke(o);
            })
            .OnRetry(retry =>
            {
                _retries.Add(retry);
                _retried.Release();
            }));
        var provider = services.BuildServiceProvider();
        _providers.Add(provider);
        return Assert.IsType<HttpPaymentService>(provider.GetRequiredService<IPaymentService>());
    }

    private async Task<Uri> LocalHostPaymentsAsync()
    {
        var app = LocalHost.Build(PatternsApp.App, new LocalHostOptions { Port = 0, DataDirectory = _dataDir }, l => l.SetMinimumLevel(LogLevel.Warning));
        await app.StartAsync();
        _servers.Add(app);
        return new Uri(app.BaseAddress(), LocalPaymentEndpoints.Prefix);
    }

    private async Task<LoopbackServer> ServerAsync(Func<HttpContext, LoopbackServer.Received, Task> answer)
    {
        var server = await LoopbackServer.StartAsync(answer);
        _servers.Add(server);
        return server;
    }

    [Fact]
    public async Task Charge_SameKeyTwice_ChargesOnce()
    {
        var payments = Client(await LocalHostPaymentsAsync());

        Assert.Equal(PaymentResult.Done, await payments.ChargeAsync("o-1", 12.5m, GoodCard, "o-1/charge-payment", default));
        Assert.Equal(PaymentResult.Done, await payments.ChargeAsync("o-1", 12.5m, GoodCard, "o-1/charge-payment", default));

        var record = await payments.GetAsync("o-1", default);
        Assert.Equal((12.5m, 0m), (record.Charged, record.Refunded));
    }

    [Fact]
    public async Task Charge_AnswerLostAfterTheChargeLanded_RetriedWithTheSameKeyAndChargedOnce()
    {
        var upstream = await LocalHostPaymentsAsync();
        using var forward = new HttpClient();
        // A proxy in front of the local service that forwards every charge but cuts the connection on the first answer.
        var proxy = await ServerAsync(async (context, received) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{upstream}{received.Path}") { Content = new StringContent(received.Body, MediaTypeHeaderValue.Parse("application/json")) };
            request.Headers.Add("Idempotency-Key", received.Key);
            using var answer = await forward.SendAsync(request);
            if (received.Number == 1)
            {
                context.Abort();
                return;
            }

            await LoopbackServer.JsonAsync(context, (int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
        });
        var payments = Client(proxy.BaseAddress);

        Assert.Equal(PaymentResult.Done, await payments.ChargeAsync("o-2", 7m, GoodCard, "o-2/charge-payment", default));

        Assert.Equal(2, proxy.Requests.Count);
        Assert.All(proxy.Requests, r => Assert.Equal("o-2/charge-payment", r.Key));
        Assert.Single(_retries);
        var charged = await Client(upstream).GetAsync("o-2", default);
        Assert.Equal(7m, charged.Charged);
    }

    [Fact]
    public async Task Charge_DeclinedCard_RefusedWithTheReasonAndNotRetried()
    {
        var payments = Client(await LocalHostPaymentsAsync());

        Assert.Equal(PaymentResult.Refused("card declined"), await payments.ChargeAsync("o-3", 5m, SimulatedPaymentService.DeclinedCard, "o-3/charge-payment", default));

        Assert.Empty(_retries);
        Assert.Equal(PaymentRecord.None, await payments.GetAsync("o-3", default));
    }

    [Fact]
    public async Task Charge_TimeoutCard_RetriedThenTransient()
    {
        var payments = Client(await LocalHostPaymentsAsync());

        var fault = await Assert.ThrowsAsync<TransientException>(() => payments.ChargeAsync("o-4", 5m, SimulatedPaymentService.TimeoutCard, "o-4/charge-payment", default).AsTask());

        Assert.Contains("504", fault.Message, StringComparison.Ordinal);
        Assert.Equal(2, _retries.Count); // ConfigureDefaults: two retries after the first attempt
        Assert.Equal(0m, (await payments.GetAsync("o-4", default)).Charged);
    }

    [Theory]
    [InlineData(503)]
    [InlineData(500)]
    [InlineData(408)]
    [InlineData(409)]
    public async Task Charge_RetryableStatusThenCharged_RetriedOnceWithTheSameKeyAndBody(int status)
    {
        var server = await ServerAsync((context, received) => received.Number == 1
            ? LoopbackServer.JsonAsync(context, status, """{"error":"busy"}""")
            : LoopbackServer.JsonAsync(context, 200, """{"status":"charged"}"""));
        var payments = Client(server.BaseAddress);

        Assert.Equal(PaymentResult.Done, await payments.ChargeAsync("o-5", 9.99m, GoodCard, "o-5/charge-payment", default));

        var requests = server.Requests.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.All(requests, r => Assert.Equal(("POST", "/charges", "o-5/charge-payment"), (r.Method, r.Path, r.Key)));
        Assert.Equal(requests[0].Body, requests[1].Body);
        Assert.Equal("""{"orderId":"o-5","amount":9.99,"card":"4242424242424242"}""", requests[0].Body);
        Assert.Equal(1, Assert.Single(_retries).Attempt);
    }

    [Fact]
    public async Task Charge_429WithRetryAfter_WaitsWhatTheServiceAsked()
    {
        var server = await ServerAsync((context, received) =>
        {
            if (received.Number == 1)
            {
                context.Response.Headers.RetryAfter = "1";
                return LoopbackServer.JsonAsync(context, 429, """{"error":"slow down"}""");
            }

            return LoopbackServer.JsonAsync(context, 200, """{"status":"charged"}""");
        });
        var time = new FakeTimeProvider();
        var payments = Client(server.BaseAddress, time);

        var charge = payments.ChargeAsync("o-6", 1m, GoodCard, "o-6/charge-payment", default).AsTask();
        Assert.True(await _retried.WaitAsync(TimeSpan.FromSeconds(30)), "the 429 was not retried");

        Assert.Equal(TimeSpan.FromSeconds(1), Assert.Single(_retries).Delay);
        Assert.Single(server.Requests); // still waiting out the Retry-After
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(PaymentResult.Done, await charge.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Charge_ServiceNeverAnswers_EachAttemptTimesOutThenTransient()
    {
        var server = await ServerAsync((context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted));
        var time = new FakeTimeProvider();
        var payments = Client(server.BaseAddress, time, o => o.Timeout = TimeSpan.FromSeconds(30)); // only the attempts time out

        var charge = payments.ChargeAsync("o-7", 1m, GoodCard, "o-7/charge-payment", default).AsTask();
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            Assert.True(await server.Arrived.WaitAsync(TimeSpan.FromSeconds(30)), $"attempt {attempt} never arrived");
            time.Advance(TimeSpan.FromSeconds(3)); // ConfigureDefaults: 3 s per attempt
        }

        var fault = await Assert.ThrowsAsync<TransientException>(() => charge.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("did not answer POST charges within 3 s", fault.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("o-7/charge-payment", r.Key));
    }

    [Fact]
    public async Task Charge_NothingListening_RetriedThenTransient()
    {
        var payments = Client(new Uri($"http://127.0.0.1:{FreePort.Next()}/pay"));

        var fault = await Assert.ThrowsAsync<TransientException>(() => payments.ChargeAsync("o-8", 1m, GoodCard, "o-8/charge-payment", default).AsTask());

        Assert.Contains("could not be reached for POST charges", fault.Message, StringComparison.Ordinal);
        Assert.Equal(2, _retries.Count);
    }

    [Fact]
    public async Task Charge_BadRequest_RefusedWithTheServiceErrorAndNotRetried()
    {
        var server = await ServerAsync((context, _) => LoopbackServer.JsonAsync(context, 400, """{"error":"The charge is invalid.","details":{"card":"is required"}}"""));
        var payments = Client(server.BaseAddress);

        var result = await payments.ChargeAsync("o-9", 1m, GoodCard, "o-9/charge-payment", default);

        Assert.Equal(PaymentResult.Refused("the payment service refused the request (400: The charge is invalid.)"), result);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Refund_AfterCharge_RefundedOnceUnderItsKey()
    {
        var payments = Client(await LocalHostPaymentsAsync());
        await payments.ChargeAsync("o-10", 4.2m, GoodCard, "o-10/charge-payment", default);

        Assert.Equal(PaymentResult.Done, await payments.RefundAsync("o-10", "o-10/refund-payment", default));
        Assert.Equal(PaymentResult.Done, await payments.RefundAsync("o-10", "o-10/refund-payment", default));

        var record = await payments.GetAsync("o-10", default);
        Assert.Equal((4.2m, 4.2m), (record.Charged, record.Refunded));
    }

    [Fact]
    public async Task Get_NotFound_ReadsAsNothingCharged()
    {
        var server = await ServerAsync((context, _) => LoopbackServer.JsonAsync(context, 404, """{"error":"no such order"}"""));

        Assert.Equal(PaymentRecord.None, await Client(server.BaseAddress).GetAsync("o-11", default));
        Assert.Equal("/o-11", Assert.Single(server.Requests).Path);
    }
}
