using System.Net;
using System.Net.Http.Json;
using Portable.Emulators.Processes;
using Portable.TestKit;

namespace Portable.Local.Tests;

/// <summary>The real `portable` executable, started as a user starts it.</summary>
public sealed class LocalProcessTests : IDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("portable-local-").FullName;

    public void Dispose() => Directory.Delete(_dataDir, recursive: true);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static ChildProcess Start(params string[] args) => StartWith(null, args);

    private static ChildProcess StartWith(string? paymentsUrl, params string[] args) =>
        ChildProcess.Start(ChildProcessOptions.Dotnet(Path.Combine(AppContext.BaseDirectory, "Portable.Local.dll"), args) with
        {
            Environment = new Dictionary<string, string?> { ["PORT"] = null, ["PORTABLE_PAYMENTS_URL"] = paymentsUrl },
        });

    [Fact]
    public async Task Run_DefaultCommand_PrintsRoutesAndCurlServesItemsAndStopsOnCtrlC()
    {
        var port = FreePort.Next();
        await using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
        await process.WaitForLineAsync("Ctrl+C", Patience);
        var banner = process.StandardOutput;
        Assert.Contains("items-api", banner, StringComparison.Ordinal);
        Assert.Contains("GET     /items/{id}", banner, StringComparison.Ordinal);
        Assert.Contains($"curl -si -X POST http://localhost:{port}/items", banner, StringComparison.Ordinal);

        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        var created = await client.PostAsJsonAsync("/items", new { name = "Widget", price = 9.99 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.True(File.Exists(Path.Combine(_dataDir, "portable.db")));

        process.Interrupt(); // SIGINT, as Ctrl+C sends
        Assert.Equal(0, await process.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Run_BannersUploadCurlLine_PastedIntoBash_StartsAJobTheLogNames()
    {
        var port = FreePort.Next();
        await using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
        await process.WaitForLineAsync("Ctrl+C", Patience);
        var line = process.OutputLines.Single(l => l.Contains("curl -si -X PUT", StringComparison.Ordinal)).Trim();

        await using var curl = ChildProcess.Start(new ChildProcessOptions { Name = "bash", FileName = "bash", Arguments = ["-c", line] });
        Assert.Equal(0, await curl.WaitForExitAsync(Patience));
        Assert.Contains("HTTP/1.1 201 Created", curl.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("\"functions\":[\"job-upload-starter\"]", curl.StandardOutput, StringComparison.Ordinal);

        var started = await process.WaitForLineAsync(l => l.Contains("Upload uploads/sales.csv started job", StringComparison.Ordinal), Patience);
        var path = started[(started.LastIndexOf("GET ", StringComparison.Ordinal) + 4)..].Trim();
        using var client = new HttpClient { BaseAddress = new Uri($"http://localhost:{port}") };
        string job = string.Empty;
        for (var clock = System.Diagnostics.Stopwatch.StartNew(); clock.Elapsed < Patience && !job.Contains("\"completed\"", StringComparison.Ordinal); await Task.Delay(50))
        {
            job = await client.GetStringAsync(new Uri(path, UriKind.Relative));
        }

        Assert.Contains("\"result\":{\"books\":{\"count\":1,\"sum\":12.50},\"food\":{\"count\":1,\"sum\":3.25}}", job, StringComparison.Ordinal);
        process.Interrupt();
        Assert.Equal(0, await process.WaitForExitAsync(Patience));
    }

    [Fact]
    public async Task Run_BadPort_ExitsWithClearError()
    {
        await using var process = Start("--port", "nope");
        Assert.Equal(2, await process.WaitForExitAsync(Patience));
        Assert.Contains("--port", process.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PortInUse_ExitsWithClearError()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            await using var process = Start("--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
            Assert.Equal(1, await process.WaitForExitAsync(Patience));
            Assert.Contains($"Could not listen on port {port}", process.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public async Task Run_BadPaymentsUrl_ExitsNamingTheVariableTheValueAndWhatIsAccepted()
    {
        await using var process = StartWith("payments.internal:8443", "--port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);

        Assert.Equal(2, await process.WaitForExitAsync(Patience));
        Assert.Contains("PORTABLE_PAYMENTS_URL='payments.internal:8443' is not valid: expected an absolute http:// or https:// URL.", process.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Ctrl+C", process.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_PaymentsUrlSet_OrdersChargedAndRefundedOverHttpWithOneKeyPerOrderAndStep()
    {
        var port = FreePort.Next();
        var root = $"http://localhost:{port}";
        // The payment service the host is pointed at: a recording proxy in front of the host's own simulated one.
        using var forward = new HttpClient();
        await using var proxy = await Payments.LoopbackServer.StartAsync(async (context, received) =>
        {
            using var request = new HttpRequestMessage(new HttpMethod(received.Method), $"{root}/_local/payments{received.Path}");
            if (received.Method == "POST")
            {
                request.Content = new StringContent(received.Body, System.Text.Encoding.UTF8, "application/json");
                request.Headers.Add("Idempotency-Key", received.Key);
            }

            using var answer = await forward.SendAsync(request);
            await Payments.LoopbackServer.JsonAsync(context, (int)answer.StatusCode, await answer.Content.ReadAsStringAsync());
        });
        await using var process = StartWith(proxy.BaseAddress.ToString(), "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data", _dataDir);
        await process.WaitForLineAsync("Ctrl+C", Patience);
        using var client = new HttpClient { BaseAddress = new Uri(root) };
        Assert.Equal(HttpStatusCode.OK, (await client.PutAsJsonAsync("/inventory/widget", new { available = 10, price = 2.5 })).StatusCode);

        var paid = await PlaceAsync(client, "4242424242424242", "GB");
        var unshipped = await PlaceAsync(client, "4242424242424242", "XX");
        var declined = await PlaceAsync(client, Core.Patterns.Orders.SimulatedPaymentService.DeclinedCard, "GB");

        Assert.Equal("completed", await SettledAsync(client, paid));
        Assert.Equal("compensated", await SettledAsync(client, unshipped));
        Assert.Equal("compensated", await SettledAsync(client, declined));
        Assert.Equal((5m, 0m), await PaymentsAsync(client, paid));
        Assert.Equal((5m, 5m), await PaymentsAsync(client, unshipped));
        Assert.Equal((0m, 0m), await PaymentsAsync(client, declined));
        var order = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/orders/{declined}");
        Assert.Equal("charge-payment: payment refused: card declined", order.GetProperty("reason").GetString());

        var calls = proxy.Requests.Select(r => $"{r.Method} {r.Path} {r.Key}").Order(StringComparer.Ordinal).ToArray();
        string[] expected =
        [
            $"POST /charges {declined}/charge-payment",
            $"POST /charges {paid}/charge-payment",
            $"POST /charges {unshipped}/charge-payment",
            $"POST /refunds {unshipped}/refund-payment",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), calls);

        process.Interrupt();
        Assert.Equal(0, await process.WaitForExitAsync(Patience));
    }

    private static async Task<string> PlaceAsync(HttpClient client, string card, string country)
    {
        var accepted = await client.PostAsJsonAsync("/orders", new { customer = "ada", items = new[] { new { sku = "widget", quantity = 2 } }, card, shippingCountry = country });
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        return (await accepted.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("id").GetString()!;
    }

    private static async Task<(decimal Charged, decimal Refunded)> PaymentsAsync(HttpClient client, string id)
    {
        var totals = await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/_local/payments/{id}");
        Assert.Equal(["charged", "refunded"], totals.EnumerateObject().Select(p => p.Name));
        return (totals.GetProperty("charged").GetDecimal(), totals.GetProperty("refunded").GetDecimal());
    }

    // Polls the order until the coordinator has settled it (the saga runs on the host's queue, after the 202).
    private static async Task<string> SettledAsync(HttpClient client, string id)
    {
        string? status = null;
        await Queues.LocalQueueEndToEndTests.EventuallyAsync(async () =>
        {
            status = (await client.GetFromJsonAsync<System.Text.Json.JsonElement>($"/orders/{id}")).GetProperty("status").GetString();
            return status is "completed" or "compensated" or "failed";
        }, $"order {id} to settle");
        return status!;
    }
}
