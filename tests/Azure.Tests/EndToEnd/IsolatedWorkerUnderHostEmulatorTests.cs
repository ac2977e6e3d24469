using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Portable.Core.Messaging;
using Portable.Emulators.Azure;
using Portable.Emulators.Azure.Isolated;
using Portable.TestKit;

namespace Portable.Azure.Tests.EndToEnd;

/// <summary>
/// The real Portable.Azure isolated worker, from its build output, under the isolated Functions host emulator (the
/// host⇄worker gRPC protocol): HTTP answers through the host's front door, the Storage-queue rules (5 dequeues then
/// <c>payments-poison</c>, a transient failure retried by the host), base64 bodies, and the handler's logs arriving
/// as <c>RpcLog</c> with the invocation id. No AzureWebJobsStorage is given, so the worker has no dead-letter sink
/// and a permanent failure fails the invocation: the host's poison rule applies.
/// </summary>
public sealed class IsolatedWorkerUnderHostEmulatorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 1, 12, 0, 0, TimeSpan.Zero));

    private static string AppDirectory => Path.GetDirectoryName(RepoPaths.BuildOutput("src/Azure", "worker.config.json"))!;

    private Task<IsolatedFunctionsHost> StartAsync() => IsolatedFunctionsHost.StartAsync(new IsolatedFunctionsHostOptions
    {
        AppDirectory = AppDirectory,
        TimeProvider = _time,
        QueueProfile = DeliveryProfile.AzureStorageQueue,
    });

    private static string Payment(string paymentId, decimal amount, string account = "acc-1") =>
        JsonSerializer.Serialize(new Dictionary<string, object> { ["paymentId"] = paymentId, ["account"] = account, ["amount"] = amount, ["currency"] = "EUR" });

    private static async Task<JsonElement> BalanceAsync(IsolatedFunctionsHost host, string account)
    {
        using var client = host.CreateClient();
        using var response = await client.GetAsync("/accounts/" + account);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /accounts/{account}: {(int)response.StatusCode} {text}\n{string.Join('\n', host.Logs)}");
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    [Fact]
    public async Task Http_WrongMethodOnARoute_FallsThroughToTheCatchAllAndCoreAnswers405WithAllow()
    {
        await using var host = await StartAsync();
        using var client = host.CreateClient();

        // items takes GET and POST on /items; the host's router tries the next route for another method, and the
        // catch-all fallback takes every method, so Core's router answers (as the host's RouteCollection does).
        using var response = await client.PatchAsync("/items", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
        Assert.Contains("POST", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Http_UnknownPath_CoreJson404ThroughTheCatchAll()
    {
        await using var host = await StartAsync();
        using var client = host.CreateClient();

        using var response = await client.GetAsync("/no/such/route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.TryGetProperty("error", out _), body.RootElement.ToString());
    }

    [Fact]
    public async Task QueueHandlerLog_ArrivesAsRpcLogWithTheInvocationId()
    {
        await using var host = await StartAsync();

        // Invoked as the queue extension invokes it; "not json" fails the handler, which logs why it must be retried.
        var result = await host.InvokeAsync("ledger-writer", "not json", new Dictionary<string, string> { ["Id"] = "m-1", ["DequeueCount"] = "1" });

        Assert.Equal(WorkerInvocationStatus.Failure, result.Status);
        var log = await host.WaitForLogAsync(l => l.Category == "Portable.Azure.Worker.QueueInvocationHandler" && l.Message.StartsWith("Message m-1 of ledger-writer", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
        Assert.Equal(result.InvocationId, log.InvocationId);
        Assert.False(log.IsSystem);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, log.Level);
        Assert.Contains(host.LogsOf(result.InvocationId), l => l == log);
    }

    [Fact]
    public async Task InvalidPayment_FiveFailedDequeues_MovedToPaymentsPoisonWithItsText()
    {
        await using var host = await StartAsync();
        const string invalid = """{"paymentId":"p-bad","account":"acc-1","amount":"lots","currency":"EUR"}""";
        var id = host.Queues.Enqueue("payments", invalid);

        var deliveries = await host.Queues.DeliverVisibleAsync();

        Assert.Equal([1, 2, 3, 4, 5], deliveries.Select(d => d.DequeueCount));
        Assert.All(deliveries, d => Assert.Equal((id, "ledger-writer", 500), (d.MessageId, d.Function, d.StatusCode)));
        Assert.Equal([QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Retried, QueueDeliveryOutcome.Poisoned], deliveries.Select(d => d.Outcome));
        Assert.Empty(host.Queues.Messages("payments"));
        Assert.Equal(invalid, Assert.Single(host.Queues.PoisonMessages("payments")).Text);
        Assert.Contains(host.Logs, l => l.InvocationId is not null && l.Message.Contains("amount is required and must be a number", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Base64Body_OfAJsonPayment_DecodedAndApplied()
    {
        await using var host = await StartAsync();

        // A base64 publisher met by a host whose messageEncoding is none: the worker gets the base64 text itself.
        host.Queues.Enqueue("payments", Convert.ToBase64String(Encoding.UTF8.GetBytes(Payment("p-64", 4.25m))));
        host.Queues.Enqueue("payments", Payment("p-plain", 1.00m));
        var deliveries = await host.Queues.DeliverVisibleAsync();

        Assert.All(deliveries, d => Assert.Equal(QueueDeliveryOutcome.Completed, d.Outcome));
        var balance = await BalanceAsync(host, "acc-1");
        Assert.Equal(5.25m, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(2, balance.GetProperty("entries").GetInt32());
    }

    [Fact]
    public async Task LostAcknowledgementAndDuplicates_EachPaymentCountedOnce()
    {
        await using var host = await StartAsync();
        host.Queues.Enqueue("payments", Payment("p-1", 10.00m));
        host.Queues.Enqueue("payments", Payment("p-2", 2.50m));
        host.Queues.Enqueue("payments", Payment("p-1", 10.00m)); // the sender published p-1 twice
        host.Queues.DropNextAcknowledgements("payments", 1); // p-1's first delete is lost: it comes back

        var deliveries = await host.Queues.DeliverVisibleAsync();

        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(200, d.StatusCode));
        var redelivered = Assert.Single(deliveries, d => d.DequeueCount == 2);
        Assert.Equal(deliveries[0].MessageId, redelivered.MessageId);
        Assert.True(deliveries[0].AcknowledgementDropped);
        Assert.Empty(host.Queues.Messages("payments"));
        Assert.Empty(host.Queues.PoisonMessages("payments"));
        var balance = await BalanceAsync(host, "acc-1");
        Assert.Equal(12.50m, balance.GetProperty("balance").GetDecimal());
        Assert.Equal(2, balance.GetProperty("entries").GetInt32());
    }
}
